import { createBullBoard } from '@bull-board/api';
import type { IServerAdapter } from '@bull-board/api/typings/app';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Router } from 'express';
import type { WebhookBullQueue } from '@mirror/queue';

/** Where the dashboard is mounted. */
export const BULL_BOARD_PATH = '/admin/queues';

/**
 * The Bull Board dashboard of the webhook queue, READ-ONLY: its actions include removing jobs
 * and cleaning or emptying queues, and a removed job is an acknowledged webhook lost (DESIGN.md,
 * invariant 1). Operators retry failed jobs with `pnpm mirror retry-failed`.
 */
export function bullBoardRouter(queue: WebhookBullQueue): Router {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(BULL_BOARD_PATH);
  createBullBoard({
    queues: [new BullMQAdapter(queue, { readOnlyMode: true, description: 'Accepted Rehook webhooks' })],
    // @bull-board/express 9.10.1 declares the IServerAdapter of @bull-board/api 9.10.1, and
    // the app pins @bull-board/api 9.10.2; the two interfaces differ only in their version.
    serverAdapter: serverAdapter as unknown as IServerAdapter,
    options: { uiConfig: { boardTitle: 'Rehook Mirror' } },
  });
  return serverAdapter.getRouter() as Router;
}
