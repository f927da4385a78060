import { eventIdentityOf } from '@mirror/delivery-identity';
import { WEBHOOK_HEADERS, type Stack } from './stack';

/** What the ingest answered a probe. */
export interface ProbeAnswer {
  /** The probe body's idempotency key (a refused probe may still be stored, see its callers). */
  key: string;
  status: number;
  /** `Retry-After` in seconds (0 when absent). */
  retryAfter: number;
  /** Time until the answer, ms. */
  ms: number;
}

/**
 * Asks the ingest directly, outside the sender and its ledger, what it answers a webhook right
 * now (during an outage, say). Probe `i` has a body of its own.
 */
export async function sendProbe(stack: Stack, i: number): Promise<ProbeAnswer> {
  const body = { event_name: 'faults.probe', source_id: '', metadata: { i } };
  const rawBody = JSON.stringify(body);
  const started = Date.now();
  const answer = await fetch(stack.webhookUrl, {
    method: 'POST',
    headers: { ...WEBHOOK_HEADERS, 'content-type': 'application/json' },
    body: rawBody,
  });
  await answer.arrayBuffer();
  return {
    key: eventIdentityOf(rawBody, body),
    status: answer.status,
    retryAfter: Number(answer.headers.get('retry-after') ?? 0),
    ms: Date.now() - started,
  };
}
