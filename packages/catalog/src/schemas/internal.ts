import type { z } from 'zod';

import type { RewardFulfilled } from '../events';
import { requiredId } from './fields';
import { tolerantObject } from './tolerant-object';

/**
 * mirror.reward.fulfilled, appended by the API when the shop has credited a webhook reward:
 * `{event_name: 'mirror.reward.fulfilled', source: 'mirror', source_id: '', metadata: {redemption_id}}`.
 */
export const RewardFulfilledPayload = tolerantObject({ redemption_id: requiredId }).transform(
  (metadata): RewardFulfilled['data'] => ({ redemptionId: metadata.redemption_id }),
);
export type RewardFulfilledPayload = z.output<typeof RewardFulfilledPayload>;
