export { WEBHOOK_QUEUE } from './webhook-job';
export type { WebhookJobData } from './webhook-job';
