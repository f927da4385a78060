/** Where and how to POST webhooks: the ingest's URL and the auth Rehook is configured with. */
export interface WebhookTarget {
  url: string;
  /** Extra request headers: `Authorization: Basic …` and the custom headers Rehook sends. */
  headers: Record<string, string>;
  /** Per attempt. */
  timeoutMs: number;
  /** Further attempts after a 5xx, a 429 or a network error, as Rehook retries. @defaultValue 3 */
  retries?: number;
}

/** What came of one delivery, after retries. */
export type SendResult =
  | { ok: true; status: number; attempts: number }
  | { ok: false; status: number | null; error: string; attempts: number };

/** The request headers for a target: JSON, basic auth when given, and the custom headers. */
export function targetHeaders(
  basicAuth: { user: string; password: string } | undefined,
  custom: readonly { name: string; value: string }[],
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const { name, value } of custom) headers[name] = value;
  if (basicAuth !== undefined) {
    headers['authorization'] =
      `Basic ${Buffer.from(`${basicAuth.user}:${basicAuth.password}`).toString('base64')}`;
  }
  return headers;
}

/** `user:password` from a command-line flag. */
export function parseBasicAuth(value: string): { user: string; password: string } {
  const colon = value.indexOf(':');
  if (colon <= 0) throw new Error('--basic-auth must be user:password');
  return { user: value.slice(0, colon), password: value.slice(colon + 1) };
}

/** `Name=value` from a command-line flag. */
export function parseHeader(value: string): { name: string; value: string } {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new Error(`--header ${value} must be Name=value`);
  return { name: value.slice(0, eq).trim(), value: value.slice(eq + 1).trim() };
}

/**
 * The auth headers a client of the ingest sends: from `--basic-auth` / `--header` when given,
 * else from the same variables the ingest reads (WEBHOOK_BASIC_AUTH, WEBHOOK_REQUIRED_HEADERS).
 */
export function authHeaders(
  flags: { basicAuth?: string | undefined; header: readonly string[] },
  env: {
    WEBHOOK_BASIC_AUTH?: { user: string; password: string } | undefined;
    WEBHOOK_REQUIRED_HEADERS?: { name: string; value: string }[] | undefined;
  },
): Record<string, string> {
  const basicAuth = flags.basicAuth !== undefined ? parseBasicAuth(flags.basicAuth) : env.WEBHOOK_BASIC_AUTH;
  const headers =
    flags.header.length > 0 ? flags.header.map(parseHeader) : (env.WEBHOOK_REQUIRED_HEADERS ?? []);
  return targetHeaders(basicAuth, headers);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * POSTs one body. Any 2xx is an acknowledgement. 5xx, 429 and network errors are retried with
 * a short backoff (honouring `Retry-After` up to 2 s); other statuses are final.
 */
export async function postWebhook(target: WebhookTarget, rawBody: string): Promise<SendResult> {
  const retries = target.retries ?? 3;
  let last: SendResult = { ok: false, status: null, error: 'not sent', attempts: 0 };
  for (let attempt = 1; attempt <= retries + 1; attempt++) {
    let retryAfterMs = 100 * 2 ** attempt;
    try {
      const response = await fetch(target.url, {
        method: 'POST',
        headers: { ...target.headers, 'content-type': 'application/json' },
        body: rawBody,
        signal: AbortSignal.timeout(target.timeoutMs),
      });
      // Drain the body so the keep-alive connection can be reused.
      const text = await response.text();
      if (response.ok) return { ok: true, status: response.status, attempts: attempt };
      last = { ok: false, status: response.status, error: summarize(text), attempts: attempt };
      if (response.status < 500 && response.status !== 429) return last;
      const header = Number(response.headers.get('retry-after'));
      if (Number.isFinite(header) && header > 0) retryAfterMs = Math.min(header * 1000, 2_000);
    } catch (error) {
      const cause =
        error instanceof Error
          ? ((error.cause as Error | undefined)?.message ?? error.message)
          : String(error);
      last = { ok: false, status: null, error: cause, attempts: attempt };
    }
    if (attempt <= retries) await sleep(retryAfterMs);
  }
  return last;
}

function summarize(text: string): string {
  try {
    const problem = JSON.parse(text) as { title?: unknown; detail?: unknown };
    const parts = [problem.title, problem.detail].filter((p): p is string => typeof p === 'string');
    if (parts.length > 0) return parts.join(': ');
  } catch {
    // not a problem document: fall through to the raw text
  }
  return text.slice(0, 200);
}
