import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);

/** `user:password`; the password may itself contain colons. */
const basicAuth = z
  .string()
  .regex(/^[^:]+:.+$/, 'must be user:password')
  .transform((value) => {
    const colon = value.indexOf(':');
    return { user: value.slice(0, colon), password: value.slice(colon + 1) };
  });

/** `Name=value,Name2=value2`; header names are matched case-insensitively, values exactly. */
const requiredHeaders = z.string().transform((value, ctx) => {
  const pairs: { name: string; value: string }[] = [];
  for (const part of value.split(',').filter((p) => p.trim() !== '')) {
    const eq = part.indexOf('=');
    const name = eq > 0 ? part.slice(0, eq).trim().toLowerCase() : '';
    if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(name)) {
      ctx.addIssue({ code: 'custom', message: `"${part}" is not Name=value` });
      return z.NEVER;
    }
    pairs.push({ name, value: part.slice(eq + 1).trim() });
  }
  return pairs;
});

const emptyAsUnset = (value: unknown) => (value === '' ? undefined : value);

const DURATION_UNITS_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** A duration as `<number><unit>` (ms, s, m, h, d) or bare milliseconds, read as milliseconds. */
const duration = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(String(value));
  const ms = match
    ? Number(match[1]) * DURATION_UNITS_MS[(match[2] ?? 'ms') as keyof typeof DURATION_UNITS_MS]
    : NaN;
  if (!Number.isFinite(ms) || ms < 1000) {
    ctx.addIssue({ code: 'custom', message: 'must be a duration of at least 1s, such as 6h, 30m or 90s' });
    return z.NEVER;
  }
  return Math.round(ms);
});

/**
 * The operator contract of DESIGN.md: every environment variable the mirror reads, with its
 * default. Parsed once at start-up by each app's composition root.
 */
export const MirrorEnv = z.object({
  DATABASE_URL: z.url().default('postgresql://postgres:postgres@127.0.0.1:5432/rehook_mirror'),
  REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
  /** BullMQ key prefix, so that several deployments or test runs can share one Redis. */
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and _ . : - only')
    .default('mirror'),
  INGEST_PORT: port.default(3000),
  API_PORT: port.default(3001),
  /** Bearer token of the internal API; the API refuses to start without it. */
  API_TOKEN: z.preprocess(emptyAsUnset, z.string().min(16, 'must be at least 16 characters').optional()),
  WEBHOOK_PATH: z.string().startsWith('/', 'must start with /').default('/webhooks/rehook'),
  WEBHOOK_BASIC_AUTH: z.preprocess(emptyAsUnset, basicAuth.optional()),
  WEBHOOK_REQUIRED_HEADERS: z.preprocess(emptyAsUnset, requiredHeaders.optional()),
  WEBHOOK_DELIVERY_ID_HEADER: z.preprocess(emptyAsUnset, z.string().toLowerCase().optional()),
  WEBHOOK_MAX_BODY_BYTES: z.coerce.number().int().positive().default(1_048_576),
  /**
   * How long an identical body without an occurrence key counts as a redelivery of the first
   * (docs/delivery-identity.md); 0 turns content dedupe off.
   */
  WEBHOOK_DEDUPE_WINDOW_SECONDS: z.coerce.number().int().min(0).default(3600),
  /** How long the ingest waits for Redis to accept a job before answering 503. */
  INGEST_ENQUEUE_TIMEOUT_MS: z.coerce.number().int().positive().default(2_000),
  /** The ingest's HTTP limits (see RELIABILITY.md): open connections at once (more are refused). */
  INGEST_MAX_CONNECTIONS: z.coerce.number().int().positive().default(1024),
  /** Largest request head (request line and headers) in bytes; larger ones get 431. */
  INGEST_MAX_HEADER_BYTES: z.coerce.number().int().min(1024).default(16_384),
  /** A whole request (headers and body) must arrive within this, or the connection is closed (408). */
  INGEST_REQUEST_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  /** The request head must arrive within this. */
  INGEST_HEADERS_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** An idle keep-alive connection is closed after this. */
  INGEST_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
  /** Requests per minute that one client address may make to the API (health probes excepted). */
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(1200),
  /** `/v1/stream` connections one token may hold open at once on one API process (429 above). */
  API_STREAMS_PER_TOKEN: z.coerce.number().int().positive().default(200),
  /**
   * Jobs processed at once per worker process, chosen by `pnpm bench worker --only sweep`
   * (BENCHMARKS.md): jobs in flight share a few transactions, so more of them mean larger
   * batches and fewer commits; 256 gave the most events/s on the reference 2-core machine.
   */
  WORKER_CONCURRENCY: z.coerce.number().int().positive().default(256),
  /** Port of the worker's Prometheus endpoint (`GET /metrics`). */
  WORKER_METRICS_PORT: port.default(3002),
  /**
   * How long a job's lock outlives its worker (it is renewed at half this while the job runs),
   * and how often workers look for jobs whose lock expired: a crashed worker's jobs are
   * redelivered within about twice this. Redelivery is idempotent, so a short value is safe.
   */
  WORKER_LOCK_DURATION_MS: z.coerce.number().int().min(1000).default(30_000),
  /** Rehook's REST API, read by reconciliation; reconciliation is off while a credential is unset. */
  REHOOK_API_URL: z.url().default('https://api.rehook.ai'),
  REHOOK_API_KEY: z.preprocess(emptyAsUnset, z.string().optional()),
  REHOOK_API_SECRET: z.preprocess(emptyAsUnset, z.string().optional()),
  /** How often the workers reconcile (`6h`, `30m`, `90s`, `1d`, or milliseconds). */
  RECONCILE_EVERY: duration.default(6 * 3600 * 1000),
  /** Requests to Rehook's API in flight at once during a reconcile run. */
  RECONCILE_CONCURRENCY: z.coerce.number().int().positive().default(4),
  /** Customers `verify` recomputes and compares after each scheduled reconcile run (0: none). */
  VERIFY_SAMPLE: z.coerce.number().int().nonnegative().default(200),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type MirrorEnv = z.infer<typeof MirrorEnv>;

/** Thrown when the environment is not usable; the message names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type RequiredKey = keyof MirrorEnv;

/**
 * Parse the environment once. `required` names variables that this process cannot run without
 * even though the schema lets them be unset (the API's token).
 */
export function parseEnv(
  env: Record<string, string | undefined>,
  required: readonly RequiredKey[] = [],
): MirrorEnv {
  const result = MirrorEnv.safeParse(env);
  const problems: string[] = [];
  if (!result.success) {
    for (const issue of result.error.issues) {
      problems.push(`${issue.path.join('.')}: ${issue.message}`);
    }
  }
  for (const key of required) {
    if (env[key] === undefined || env[key] === '') problems.push(`${key}: is required`);
  }
  if (problems.length > 0 || !result.success) throw new ConfigError([...new Set(problems)]);
  return result.data;
}
