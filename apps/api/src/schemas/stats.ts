import { z } from 'zod';
import { Timestamp } from './common';
import { named } from './registry';

const Count = z.int().nonnegative();

export const FailedJob = named(
  'FailedJob',
  z.strictObject({
    jobId: z.string(),
    idempotencyKey: z.string().nullable(),
    failedReason: z.string().nullable(),
    attemptsMade: Count,
    failedAt: Timestamp.nullable(),
  }),
);
export type FailedJob = z.infer<typeof FailedJob>;

export const QueueStats = named(
  'QueueStats',
  z.strictObject({
    name: z.string(),
    counts: z.strictObject({
      waiting: Count,
      active: Count,
      delayed: Count,
      prioritized: Count,
      failed: Count,
      completed: Count,
    }),
    /**
     * True while the queue is paused (by hand, or by an older version's rebuild): workers take
     * no job and nothing is projected until `pnpm mirror resume`.
     */
    paused: z.boolean(),
    /** The most recently failed jobs (at most 10); `pnpm mirror retry-failed` retries them. */
    recentFailedJobs: z.array(FailedJob),
  }),
);
export type QueueStats = z.infer<typeof QueueStats>;

export const RebuildRun = named(
  'RebuildRun',
  z.strictObject({
    id: z.string(),
    /** `interrupted`: its process ended before it finished; the previous read models stayed live. */
    status: z.enum(['running', 'succeeded', 'failed', 'interrupted']),
    phase: z.enum(['preparing', 'loading', 'catching-up', 'switching', 'done']),
    startedAt: Timestamp,
    finishedAt: Timestamp.nullable(),
    /** Events folded into the new read models so far. */
    events: Count,
    error: z.string().nullable(),
  }),
);

export const RebuildStats = named(
  'RebuildStats',
  z.strictObject({
    /** A `pnpm mirror rebuild` is running (the API answers from the previous read models until it switches). */
    running: z.boolean(),
    /** The latest rebuild, running or not; null when there has been none. */
    latest: RebuildRun.nullable(),
  }),
);

export const Freshness = named(
  'Freshness',
  z.strictObject({
    /** Per Rehook event name: when its newest webhook was received (null: never). */
    webhooks: z.array(
      z.strictObject({
        name: z.string(),
        lastReceivedAt: Timestamp.nullable(),
        ageMs: z.number().nullable(),
      }),
    ),
    reconcile: z.strictObject({
      /** The newest reconcile run, whatever its status (null: none yet). */
      lastRun: z
        .strictObject({
          id: z.string(),
          status: z.enum(['running', 'succeeded', 'partial', 'failed']),
          startedAt: Timestamp,
          finishedAt: Timestamp.nullable(),
          driftItems: Count,
          /** Customers compared with Rehook (0: the mirror knew none, and `note` says so). */
          customersChecked: Count,
          /** What a reader of the figures must know that is not an error (an empty mirror). */
          note: z.string().nullable(),
        })
        .nullable(),
      /**
       * When the newest run that checked the mirror against Rehook finished: `succeeded`, not a
       * dry run, and over at least one customer (a run over an empty mirror asks Rehook nothing).
       */
      lastSucceededAt: Timestamp.nullable(),
    }),
    verify: z.strictObject({
      /** The newest `mirror verify` run (read models compared with the event store), whatever its status (null: none yet). */
      lastRun: z
        .strictObject({
          id: z.string(),
          /** `cli` or `schedule`. */
          trigger: z.string(),
          /** `all`, `sample` or `customers`. */
          mode: z.string(),
          status: z.enum(['running', 'passed', 'differences', 'failed']),
          startedAt: Timestamp,
          finishedAt: Timestamp.nullable(),
          customersChecked: Count,
          /** Differences between the read models and the store (0 when it passed). */
          differences: Count,
          error: z.string().nullable(),
        })
        .nullable(),
      /** When the newest run that found no difference finished. */
      lastPassedAt: Timestamp.nullable(),
    }),
  }),
);
export type Freshness = z.infer<typeof Freshness>;

/** `GET /v1/stats`. */
export const Stats = named(
  'Stats',
  z.strictObject({
    generatedAt: Timestamp,
    events: z.strictObject({
      total: Count,
      byStatus: z.strictObject({ projected: Count, unrecognized: Count, invalid: Count }),
      /** Counts per canonical name (null for unrecognized names) and status. */
      byNameAndStatus: z.array(
        z.strictObject({
          name: z.string().nullable(),
          status: z.enum(['projected', 'unrecognized', 'invalid']),
          count: Count,
          /** Receipt time of the newest of them: when the mirror last heard of this name. */
          lastReceivedAt: Timestamp,
        }),
      ),
    }),
    /** Null when Redis could not be asked; `queueError` then says why. */
    queue: QueueStats.nullable(),
    queueError: z.string().nullable(),
    rebuild: RebuildStats,
    projectionLag: z.strictObject({
      /** Age of the oldest job still waiting for a worker: how far behind the workers are. */
      oldestWaitingJobAgeMs: z.number().nonnegative().nullable(),
      /** Receipt time of the newest event stored; long ago while webhooks keep coming means stuck workers. */
      newestEventReceivedAt: Timestamp.nullable(),
      newestEventAgeMs: z.number().nullable(),
      /** Newest stored event: its store time minus its receipt time (queue wait plus processing). */
      newestEventStoreDelayMs: z.number().nullable(),
    }),
    freshness: Freshness,
  }),
);
export type Stats = z.infer<typeof Stats>;

/** `GET /v1/stats/events-per-minute`. */
export const EventsPerMinute = named(
  'EventsPerMinute',
  z.strictObject({
    /** Start of the window. */
    since: Timestamp,
    /** True when the window held more events than one answer reads (the newest 100,000). */
    truncated: z.boolean(),
    /** Minutes without events are absent. */
    counts: z.array(
      z.strictObject({
        /** Start of the minute of receipt. */
        minute: Timestamp,
        /** Canonical name; null for unrecognized or unreadable events. */
        name: z.string().nullable(),
        count: Count,
      }),
    ),
  }),
);
export type EventsPerMinute = z.infer<typeof EventsPerMinute>;
