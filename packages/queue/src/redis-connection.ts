import { Redis } from 'ioredis';

export type { Redis };

/**
 * How a process uses its Redis connection.
 *
 * - `producer` (ingest, API, CLI adding jobs): fail fast. With Redis away, a command errors at
 *   once instead of waiting in ioredis' offline queue, so the ingest can answer 503 and Rehook
 *   retries later, rather than holding the request open.
 * - `consumer` (BullMQ workers): wait for Redis indefinitely, as BullMQ's production guide
 *   requires (`maxRetriesPerRequest: null`).
 */
export type RedisRole = 'producer' | 'consumer';

/** Options of {@link createRedisConnection}. */
export interface RedisConnectionOptions {
  role: RedisRole;
  /** Shown by `CLIENT LIST`, so operators can tell the mirror's connections apart. */
  connectionName?: string;
  /**
   * How long a (re)connection attempt may take before it is abandoned and retried.
   * @defaultValue 2000 for producers, 10000 for consumers
   */
  connectTimeoutMs?: number;
  /**
   * Batch every command issued in one event-loop turn into one write (ioredis auto-pipelining).
   * @defaultValue true for producers, false for consumers
   */
  autoPipelining?: boolean;
}

/**
 * A Redis connection for BullMQ and for our own commands, from a `redis://` URL.
 * Reconnection never stops (retry delays grow to 2 s), so a Redis restart heals by itself.
 */
export function createRedisConnection(url: string, options: RedisConnectionOptions): Redis {
  const producer = options.role === 'producer';
  return new Redis(url, {
    connectionName: options.connectionName,
    connectTimeout: options.connectTimeoutMs ?? (producer ? 2_000 : 10_000),
    // Producers: reject commands while disconnected; consumers: queue them until reconnected.
    enableOfflineQueue: !producer,
    maxRetriesPerRequest: producer ? 1 : null,
    retryStrategy: (times) => Math.min(times * 100, 2_000),
    // Producers send a few commands per request from many concurrent requests; batching
    // everything issued in one event-loop turn into one write saves a syscall per command on
    // both ends (measured: see BENCHMARKS.md). Commands keep their order on the connection.
    enableAutoPipelining: options.autoPipelining ?? producer,
  });
}
