import { normalize } from '@mirror/catalog';
import { type EventOrigin, type NewEvent, storableText } from '@mirror/event-store';
import type { Change } from './changes';
import type { EventMeta } from './event-meta';
import { project } from './project';

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

function parse(rawBody: string): { ok: true; body: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, body: JSON.parse(rawBody) };
  } catch (error) {
    return {
      ok: false,
      reason: `the body is not JSON (${error instanceof Error ? error.message : String(error)})`,
    };
  }
}

/**
 * Reads one body with the catalog and projects it. Never throws for bad input: a body that is
 * not JSON, an unknown event name, a payload the catalog cannot read, a value no read model can
 * hold all give a stored event with status `unrecognized` or `invalid` and a reason, and no
 * changes. Internal `mirror.*` events are read only from bodies the mirror wrote (`origin`).
 */
export function readBody(input: BodyToRead): ReadBody {
  const read = readUnchecked(input);
  const text = (value: string | null) => (value === null ? null : storableText(value));
  const { event } = read;
  return {
    event: {
      ...event,
      name: text(event.name),
      rawName: text(event.rawName),
      sourceId: storableText(event.sourceId),
      reason: text(event.reason),
    },
    changes: read.changes,
  };
}

function readUnchecked({ rawBody, origin, meta }: BodyToRead): ReadBody {
  const stored = {
    idempotencyKey: storableText(meta.idempotencyKey),
    receiptStamp: meta.receiptStamp,
    receivedAt: meta.receivedAt,
    rawBody: storableText(rawBody),
    origin,
  };
  const parsed = parse(rawBody);
  if (!parsed.ok) {
    const event: NewEvent = {
      ...stored,
      name: null,
      rawName: null,
      sourceId: '',
      status: 'invalid',
      reason: parsed.reason,
    };
    return { event, changes: [] };
  }
  const result = normalize(parsed.body, { origin });
  switch (result.outcome) {
    case 'unrecognized':
      return {
        event: {
          ...stored,
          name: null,
          rawName: result.rawName,
          sourceId: result.sourceId,
          status: 'unrecognized',
          reason: result.reason,
        },
        changes: [],
      };
    case 'invalid':
      return {
        event: {
          ...stored,
          name: result.name,
          rawName: result.rawName,
          sourceId: result.sourceId,
          status: 'invalid',
          reason: result.reason,
        },
        changes: [],
      };
    case 'recognized': {
      const { event } = result;
      const projection = project(event, { ...meta, idempotencyKey: stored.idempotencyKey });
      const described = { ...stored, name: event.name, rawName: event.rawName, sourceId: event.sourceId };
      if (projection.outcome === 'unprojectable') {
        return { event: { ...described, status: 'invalid', reason: projection.reason }, changes: [] };
      }
      return { event: { ...described, status: 'projected', reason: null }, changes: projection.changes };
    }
    default:
      return unreachable(result);
  }
}

function unreachable(value: never): never {
  throw new Error(`unexpected normalize outcome ${JSON.stringify(value)}`);
}
