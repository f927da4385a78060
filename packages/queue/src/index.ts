// Delivery identity and the job's data contract live in @mirror/delivery-identity (which needs
// neither BullMQ nor Redis); they are re-exported here for the producers and consumers of jobs.
export {
  BODY_HASH_KEY_PREFIX,
  canonicalJson,
  compareReceiptStamps,
  DELIVERY_ID_KEY_PREFIX,
  idempotencyKeyFromBody,
  idempotencyKeyFromDeliveryId,
  jobIdForKey,
  ReceiptClock,
} from '@mirror/delivery-identity';
export type { ReceiptStamp, WebhookJobData } from '@mirror/delivery-identity';
export { buildWebhookJob, parseWebhookBody } from './webhook-envelope';
export type { BodyParseResult, JsonObject, WebhookDelivery } from './webhook-envelope';
export { WEBHOOK_JOB_NAME, WEBHOOK_JOB_OPTIONS, WEBHOOK_QUEUE } from './job-options';
export { createRedisConnection } from './redis-connection';
export type { Redis, RedisConnectionOptions, RedisRole } from './redis-connection';
export { createWebhookQueue, enqueueWebhook, jobIdOfReceipt, WebhookQueue } from './webhook-queue';
export type { EnqueueOptions, EnqueueOutcome, WebhookBullQueue, WebhookQueueOptions } from './webhook-queue';
export { removeKeysByPrefix } from './remove-keys';
export { retryFailedJobs } from './retry-failed-jobs';
export type { RetryFailedReport } from './retry-failed-jobs';
