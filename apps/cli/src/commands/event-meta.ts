import type { PrismaClient } from '@mirror/db';
import { ruleOfKey } from '@mirror/delivery-identity';
import type { RedeliveryRule, WebhookJobData } from '@mirror/delivery-identity';
import type { StoredEvent } from '@mirror/event-store';

/**
 * One delivery of an event as `export --with-meta` writes it: the row of `deliveries`
 * (`rule` is `first` for the delivery the event was stored from).
 */
export interface ExportedDelivery {
  receiptId: string;
  receiptStamp: string;
  /** ISO instant. */
  receivedAt: string;
  rule: 'first' | RedeliveryRule;
  note: string | null;
}

/**
 * One line of `export --with-meta`: the event as stored, with the ingest's decision about it
 * (its key, receipt stamp and deliveries), which `import` replays as it was taken.
 */
export interface ExportedEvent {
  idempotencyKey: string;
  receiptStamp: string;
  /** ISO instant. */
  receivedAt: string;
  name: string | null;
  rawName: string | null;
  sourceId: string;
  status: string;
  reason: string | null;
  origin: 'webhook' | 'mirror' | 'reconcile';
  rawBody: string;
  /** In receipt order; empty for events stored before deliveries were recorded. */
  deliveries: ExportedDelivery[];
}

const RULES: readonly string[] = ['first', 'delivery-id', 'occurrence', 'content-window', 'previous-version'];

/**
 * The deliveries recorded for each of `keys` (index `deliveries(event_key)`), in receipt order.
 */
export async function deliveriesOfEvents(
  prisma: Pick<PrismaClient, 'delivery'>,
  keys: readonly string[],
): Promise<Map<string, ExportedDelivery[]>> {
  const rows = await prisma.delivery.findMany({
    where: { eventKey: { in: [...keys] } },
    orderBy: [{ receiptStamp: 'asc' }, { receiptId: 'asc' }],
  });
  const byKey = new Map<string, ExportedDelivery[]>();
  for (const row of rows) {
    const list = byKey.get(row.eventKey) ?? [];
    list.push({
      receiptId: row.receiptId,
      receiptStamp: row.receiptStamp.toString(),
      receivedAt: row.receivedAt.toISOString(),
      rule: row.rule as ExportedDelivery['rule'],
      note: row.note,
    });
    byKey.set(row.eventKey, list);
  }
  return byKey;
}

/** The `--with-meta` line of an event. */
export function exportedEvent(event: StoredEvent, deliveries: ExportedDelivery[]): ExportedEvent {
  return {
    idempotencyKey: event.idempotencyKey,
    receiptStamp: event.receiptStamp.toString(),
    receivedAt: event.receivedAt.toISOString(),
    name: event.name,
    rawName: event.rawName,
    sourceId: event.sourceId,
    status: event.status,
    reason: event.reason,
    origin: event.origin,
    rawBody: event.rawBody,
    deliveries,
  };
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isStamp = (value: unknown): value is string => isString(value) && /^\d{1,19}$/.test(value);
const isInstant = (value: unknown): value is string => isString(value) && Number.isFinite(Date.parse(value));

/**
 * Whether a parsed NDJSON line is an `export --with-meta` line rather than a webhook body: it
 * has the key, stamp and raw body a meta line always has, and no `event_name` (every Rehook
 * body names its event).
 */
export function looksLikeExportedEvent(line: Record<string, unknown>): boolean {
  return (
    !('event_name' in line) &&
    isString(line['idempotencyKey']) &&
    isString(line['receiptStamp']) &&
    isString(line['rawBody'])
  );
}

/**
 * The jobs that replay an exported event as the ingest decided it: the delivery it was stored
 * from (its key, stamp, receipt id and identity note), then each redelivery under its own rule
 * and receipt id. No identity decision is taken again (`WebhookQueue.enqueue`'s `decided`), so
 * the store that receives them holds the same events, deliveries and read models as the source.
 * An event without delivery rows (stored before they were recorded) is replayed from itself.
 *
 * @returns the jobs, or a reason the line is not a well-formed export line.
 */
export function jobsOfExportedEvent(
  line: Record<string, unknown>,
): { ok: true; jobs: WebhookJobData[] } | { ok: false; reason: string } {
  const { idempotencyKey, receiptStamp, receivedAt, rawBody, origin } = line;
  if (!isString(idempotencyKey) || idempotencyKey === '' || !isString(rawBody) || !isStamp(receiptStamp)) {
    return {
      ok: false,
      reason: 'an exported event needs idempotencyKey, a decimal receiptStamp and rawBody',
    };
  }
  if (!isInstant(receivedAt))
    return { ok: false, reason: 'an exported event needs receivedAt (ISO instant)' };
  if (origin !== 'webhook' && origin !== 'mirror' && origin !== 'reconcile') {
    return { ok: false, reason: `origin ${JSON.stringify(origin)} is not webhook, mirror or reconcile` };
  }
  const deliveries = line['deliveries'] ?? [];
  if (!Array.isArray(deliveries)) return { ok: false, reason: 'deliveries is not an array' };
  const parsed: ExportedDelivery[] = [];
  for (const [i, d] of (deliveries as unknown[]).entries()) {
    const row = (d ?? {}) as Record<string, unknown>;
    const note = row['note'] ?? null;
    if (
      !isString(row['receiptId']) ||
      row['receiptId'] === '' ||
      !isStamp(row['receiptStamp']) ||
      !isInstant(row['receivedAt']) ||
      !isString(row['rule']) ||
      !RULES.includes(row['rule']) ||
      !(note === null || isString(note))
    ) {
      return {
        ok: false,
        reason: `deliveries[${i}] is not a delivery (receiptId, receiptStamp, receivedAt, rule)`,
      };
    }
    parsed.push({
      receiptId: row['receiptId'],
      receiptStamp: row['receiptStamp'],
      receivedAt: row['receivedAt'],
      rule: row['rule'] as ExportedDelivery['rule'],
      note,
    });
  }
  const common: Pick<WebhookJobData, 'rawBody' | 'idempotencyKey' | 'origin'> = {
    rawBody,
    idempotencyKey,
    ...(origin !== 'webhook' && { origin }),
  };
  const first = parsed.find((d) => d.rule === 'first' && d.receiptStamp === receiptStamp);
  const jobs: WebhookJobData[] = [
    {
      ...common,
      receiptStamp,
      receivedAt: Date.parse(receivedAt),
      ...(first !== undefined && { receiptId: first.receiptId }),
      ...(first?.note != null && { identityNote: first.note }),
    },
  ];
  for (const d of parsed) {
    if (d === first) continue;
    jobs.push({
      ...common,
      receiptStamp: d.receiptStamp,
      receivedAt: Date.parse(d.receivedAt),
      receiptId: d.receiptId,
      // A `first` row that is not the stored one cannot happen in one store; replayed as a
      // redelivery by the rule of its key, which is what it is.
      redelivery: d.rule === 'first' ? ruleOfKey(idempotencyKey) : d.rule,
      ...(d.note !== null && { identityNote: d.note }),
    });
  }
  return { ok: true, jobs };
}
