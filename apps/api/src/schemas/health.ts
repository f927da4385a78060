import { z } from 'zod';
import { named } from './registry';

export const Health = named('Health', z.strictObject({ status: z.literal('ok') }));
export type Health = z.infer<typeof Health>;

export const Readiness = named('Readiness', z.strictObject({ status: z.literal('ready') }));
export type Readiness = z.infer<typeof Readiness>;
