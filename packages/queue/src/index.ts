export { WEBHOOK_QUEUE } from './webhook-job';
export type { WebhookJobData } from './webhook-job';
export { ReceiptClock, compareReceiptStamps } from './receipt-clock';
export type { ReceiptStamp } from './receipt-clock';
export { canonicalJson } from './canonical-json';
export {
  BODY_HASH_KEY_PREFIX,
  DELIVERY_ID_KEY_PREFIX,
  idempotencyKeyFromBody,
  idempotencyKeyFromDeliveryId,
  jobIdForKey,
} from './idempotency-key';
export { buildWebhookJob, parseWebhookBody } from './webhook-envelope';
export type { BodyParseResult, JsonObject, WebhookDelivery } from './webhook-envelope';
export { WEBHOOK_JOB_NAME, WEBHOOK_JOB_OPTIONS } from './job-options';
export { createRedisConnection } from './redis-connection';
export type { Redis, RedisConnectionOptions, RedisRole } from './redis-connection';
export { createWebhookQueue, enqueueWebhook, WebhookQueue } from './webhook-queue';
export type { EnqueueOutcome, WebhookBullQueue, WebhookQueueOptions } from './webhook-queue';
export { removeKeysByPrefix } from './remove-keys';
