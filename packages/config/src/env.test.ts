import { ConfigError, parseEnv } from './env';

describe('parseEnv', () => {
  it('gives the documented defaults for an empty environment', () => {
    const env = parseEnv({});
    expect(env).toMatchObject({
      DATABASE_URL: 'postgresql://postgres:postgres@127.0.0.1:5432/rehook_mirror',
      REDIS_URL: 'redis://127.0.0.1:6379',
      QUEUE_PREFIX: 'mirror',
      INGEST_PORT: 3000,
      API_PORT: 3001,
      WEBHOOK_PATH: '/webhooks/rehook',
      WEBHOOK_MAX_BODY_BYTES: 1_048_576,
    });
    expect(env.API_TOKEN).toBeUndefined();
    expect(env.WEBHOOK_BASIC_AUTH).toBeUndefined();
  });

  it('reads the reconcile settings: off without credentials, durations with units', () => {
    const env = parseEnv({});
    expect(env).toMatchObject({
      REHOOK_API_URL: 'https://api.rehook.ai',
      RECONCILE_EVERY: 21_600_000,
      RECONCILE_CONCURRENCY: 4,
    });
    expect(env.REHOOK_API_KEY).toBeUndefined();
    expect(parseEnv({ RECONCILE_EVERY: '30m' }).RECONCILE_EVERY).toBe(1_800_000);
    expect(parseEnv({ RECONCILE_EVERY: '1d' }).RECONCILE_EVERY).toBe(86_400_000);
    expect(parseEnv({ RECONCILE_EVERY: '90000' }).RECONCILE_EVERY).toBe(90_000);
    expect(() => parseEnv({ RECONCILE_EVERY: 'often' })).toThrow(/RECONCILE_EVERY: must be a duration/);
  });

  it('reads the verify sample after each scheduled reconcile: 200 customers unless told, 0 for none', () => {
    expect(parseEnv({}).VERIFY_SAMPLE).toBe(200);
    expect(parseEnv({ VERIFY_SAMPLE: '0' }).VERIFY_SAMPLE).toBe(0);
    expect(() => parseEnv({ VERIFY_SAMPLE: '-1' })).toThrow(/VERIFY_SAMPLE/);
  });

  it('splits basic auth at the first colon, so passwords may contain colons', () => {
    expect(parseEnv({ WEBHOOK_BASIC_AUTH: 'rehook:pa:ss' }).WEBHOOK_BASIC_AUTH).toEqual({
      user: 'rehook',
      password: 'pa:ss',
    });
  });

  it('reads required headers as lower-cased names with exact values', () => {
    expect(
      parseEnv({ WEBHOOK_REQUIRED_HEADERS: 'X-Shop=acme, X-Key=S3cr=t' }).WEBHOOK_REQUIRED_HEADERS,
    ).toEqual([
      { name: 'x-shop', value: 'acme' },
      { name: 'x-key', value: 'S3cr=t' },
    ]);
  });

  it('treats empty variables as unset', () => {
    const env = parseEnv({ WEBHOOK_BASIC_AUTH: '', API_TOKEN: '', WEBHOOK_DELIVERY_ID_HEADER: '' });
    expect(env.WEBHOOK_BASIC_AUTH).toBeUndefined();
    expect(env.API_TOKEN).toBeUndefined();
    expect(env.WEBHOOK_DELIVERY_ID_HEADER).toBeUndefined();
  });

  it('names every bad variable in one error', () => {
    let error: unknown;
    try {
      parseEnv(
        {
          INGEST_PORT: 'eighty',
          WEBHOOK_BASIC_AUTH: 'nocolon',
          WEBHOOK_PATH: 'hooks',
          REDIS_URL: 'not a url',
        },
        ['API_TOKEN'],
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    for (const name of ['INGEST_PORT', 'WEBHOOK_BASIC_AUTH', 'WEBHOOK_PATH', 'REDIS_URL', 'API_TOKEN']) {
      expect(message).toContain(name);
    }
  });

  it("reads the worker's metrics port, 3002 by default", () => {
    expect(parseEnv({}).WORKER_METRICS_PORT).toBe(3002);
    expect(parseEnv({ WORKER_METRICS_PORT: '9102' }).WORKER_METRICS_PORT).toBe(9102);
    expect(() => parseEnv({ WORKER_METRICS_PORT: '70000' })).toThrow(/WORKER_METRICS_PORT/);
  });

  it("reads the worker's lock duration, 30 s by default and at least 1 s", () => {
    expect(parseEnv({}).WORKER_LOCK_DURATION_MS).toBe(30_000);
    expect(parseEnv({ WORKER_LOCK_DURATION_MS: '2000' }).WORKER_LOCK_DURATION_MS).toBe(2000);
    expect(() => parseEnv({ WORKER_LOCK_DURATION_MS: '10' })).toThrow(/WORKER_LOCK_DURATION_MS/);
  });

  it("reads the ingest's HTTP limits and the API's rate limit, with defaults", () => {
    expect(parseEnv({})).toMatchObject({
      INGEST_MAX_CONNECTIONS: 1024,
      INGEST_MAX_HEADER_BYTES: 16_384,
      INGEST_REQUEST_TIMEOUT_MS: 30_000,
      INGEST_HEADERS_TIMEOUT_MS: 10_000,
      INGEST_KEEP_ALIVE_TIMEOUT_MS: 5_000,
      API_RATE_LIMIT_PER_MINUTE: 1200,
      API_STREAMS_PER_TOKEN: 200,
    });
    expect(parseEnv({ INGEST_MAX_CONNECTIONS: '10', API_RATE_LIMIT_PER_MINUTE: '60' })).toMatchObject({
      INGEST_MAX_CONNECTIONS: 10,
      API_RATE_LIMIT_PER_MINUTE: 60,
    });
    expect(() => parseEnv({ INGEST_MAX_HEADER_BYTES: '100' })).toThrow(/INGEST_MAX_HEADER_BYTES/);
    expect(() => parseEnv({ API_RATE_LIMIT_PER_MINUTE: '0' })).toThrow(/API_RATE_LIMIT_PER_MINUTE/);
    expect(() => parseEnv({ API_STREAMS_PER_TOKEN: '0' })).toThrow(/API_STREAMS_PER_TOKEN/);
  });

  it('refuses a required variable that is missing', () => {
    expect(() => parseEnv({}, ['API_TOKEN'])).toThrow(/API_TOKEN: is required/);
  });
});
