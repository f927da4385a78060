import type { PrismaClient } from '@mirror/db';
import type { Logger } from '@mirror/logger';
import type { CustomerFolds } from '@mirror/projections';
import type { ReceiptClock, WebhookQueue } from '@mirror/queue';
import type { FeedHub } from './feed/feed-hub';
import type { CheckRunSource } from './console/data/check-runs';

/** What the read queries need from Prisma: tagged raw SQL only (client or transaction). */
export type ReadDb = Pick<PrismaClient, '$queryRaw'>;

/** The API's settings, taken from the environment by `main.ts`. */
export interface ApiConfig {
  /** The bearer token every caller but the health probes must present. */
  apiToken: string;
  /** Check every answer against its response schema (tests, development). @defaultValue false */
  validateResponses?: boolean;
  /** Register Prometheus' default process metrics (off in tests that start many apps). @defaultValue true */
  defaultMetrics?: boolean;
  /** `/v1/stream` connections one token may hold open at once (`API_STREAMS_PER_TOKEN`). @defaultValue 200 */
  maxStreamsPerToken?: number;
}

/** Everything `createApp` is built from; `main.ts` (or a test) creates them. */
export interface ApiDeps {
  prisma: PrismaClient;
  /**
   * The webhook queue and its Redis connection, for `/v1/stats` and the Bull Board dashboard
   * (read-only). The API never adds jobs.
   */
  queue: WebhookQueue;
  config: ApiConfig;
  logger: Logger;
  /** Receipt stamps for the events the API appends (reward fulfilments). One per process. */
  receiptClock: ReceiptClock;
  /** Periodic checks (reconcile, verify) whose last run the console's health page shows. */
  checkRuns?: readonly CheckRunSource[];
  /** Feeds `/v1/stream` (one LISTEN connection per process); without it the stream answers 503. */
  feed?: FeedHub;
  /**
   * Kept folds of customers' histories, which `asOf` answers start from (snapshots). Without
   * them `readAsOf` folds the whole history up to the instant. @defaultValue one per `createApp`
   */
  folds?: CustomerFolds;
  /** Wall clock for ages in `/v1/stats`. @defaultValue `() => new Date()` */
  now?: () => Date;
}
