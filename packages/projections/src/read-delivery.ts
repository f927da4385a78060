import { normalize } from '@mirror/catalog';
import { type EventOrigin, isStorableText, type NewEvent, storableText } from '@mirror/event-store';
import type { Change } from './changes';
import type { EventMeta } from './event-meta';
import { projectStorable } from './project';
import { storable } from './values/storable';

/** A stored body to read, and what the store knows about it. */
export interface BodyToRead {
  rawBody: string;
  origin: EventOrigin;
  meta: EventMeta;
}

/** A body as the event store keeps it, and what it changes in the read models. */
export interface ReadBody {
  /** The `events` row: status `projected`, `unrecognized` or `invalid`, with the reason. */
  event: NewEvent;
  /** The read-model changes; empty unless the status is `projected`. */
  changes: Change[];
}

/**
 * The reason stored with an empty body. The ingest accepts one (a webhook "Test" button expects
 * 200 OK and may send nothing), and the README tells users to look for this reason.
 */
export const EMPTY_BODY_REASON = 'empty body (test ping?)';

function parse(rawBody: string): { ok: true; body: unknown } | { ok: false; reason: string } {
  if (rawBody === '') return { ok: false, reason: EMPTY_BODY_REASON };
  try {
    return { ok: true, body: JSON.parse(rawBody) };
  } catch (error) {
    return {
      ok: false,
      reason: `the body is not JSON (${error instanceof Error ? error.message : String(error)})`,
    };
  }
}

/** How the catalog classified a body, before it becomes an `events` row. */
interface Classification {
  name: string | null;
  rawName: string | null;
  sourceId: string;
  status: NewEvent['status'];
  reason: string | null;
}

function classify(
  rawBody: string,
  origin: EventOrigin,
  meta: EventMeta,
): Classification & { changes: Change[] } {
  const parsed = parse(rawBody);
  if (!parsed.ok) {
    return { name: null, rawName: null, sourceId: '', status: 'invalid', reason: parsed.reason, changes: [] };
  }
  const result = normalize(parsed.body, { origin });
  switch (result.outcome) {
    case 'unrecognized':
    case 'invalid':
      return {
        name: result.outcome === 'invalid' ? result.name : null,
        rawName: result.rawName,
        sourceId: result.sourceId,
        status: result.outcome,
        reason: result.reason,
        changes: [],
      };
    case 'recognized': {
      const { event } = result;
      const described = { name: event.name, rawName: event.rawName, sourceId: event.sourceId };
      const projection = projectStorable(event, meta);
      return projection.outcome === 'unprojectable'
        ? { ...described, status: 'invalid', reason: projection.reason, changes: [] }
        : { ...described, status: 'projected', reason: null, changes: projection.changes };
    }
    default:
      return unreachable(result);
  }
}

function unreachable(value: never): never {
  throw new Error(`unexpected normalize outcome ${JSON.stringify(value)}`);
}

const storableOrNull = (value: string | null) => (value === null ? null : storableText(value));

/**
 * Reads one body with the catalog and projects it. Never throws for bad input: a body that is
 * not JSON, an unknown event name, a payload the catalog cannot read, a value no read model can
 * hold all give a stored event with status `unrecognized` or `invalid` and a reason, and no
 * changes. Internal `mirror.*` events are read only from bodies the mirror wrote (`origin`).
 * All text in the result is storable by Postgres (see `storableText`).
 */
export function readBody({ rawBody, origin, meta }: BodyToRead): ReadBody {
  // The hot path: strings parsed from a body without `\\u` escapes are as storable as the body
  // itself, so nothing needs checking one by one (the usual case, and the rebuild's).
  const clean = !rawBody.includes('\\u') && isStorableText(rawBody);
  const idempotencyKey = storableText(meta.idempotencyKey);
  const storedMeta = idempotencyKey === meta.idempotencyKey ? meta : { ...meta, idempotencyKey };
  if (clean) {
    const read = classify(rawBody, origin, storedMeta);
    return {
      event: {
        idempotencyKey,
        receiptStamp: meta.receiptStamp,
        receivedAt: meta.receivedAt,
        name: read.name,
        rawName: read.rawName,
        sourceId: read.sourceId,
        status: read.status,
        reason: read.reason,
        rawBody,
        origin,
      },
      changes: read.changes,
    };
  }
  const parsed = parse(rawBody);
  const body = parsed.ok ? JSON.stringify(storable(parsed.body)) : storableText(rawBody);
  const read = classify(parsed.ok ? body : rawBody, origin, storedMeta);
  return {
    event: {
      idempotencyKey,
      receiptStamp: meta.receiptStamp,
      receivedAt: meta.receivedAt,
      name: storableOrNull(read.name),
      rawName: storableOrNull(read.rawName),
      sourceId: storableText(read.sourceId),
      status: read.status,
      reason: storableOrNull(read.reason),
      rawBody: storableText(rawBody),
      origin,
    },
    changes: read.changes,
  };
}
