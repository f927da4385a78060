import type { RehookEvent } from '@mirror/catalog';
import { storableText } from '@mirror/event-store';
import type { Change } from './changes';
import type { EventMeta } from './event-meta';
import { READ_MODELS } from './read-models';
import { storable } from './values/storable';
import { UnprojectableValueError } from './values/unprojectable';

/**
 * What projecting one event gives: its changes to the read models, or why it cannot be
 * projected (a value that no read model can hold; the event is then stored as `invalid`).
 */
export type ProjectResult =
  { outcome: 'projected'; changes: Change[] } | { outcome: 'unprojectable'; reason: string };

/**
 * The changes one event makes to every read model. Pure: no clock, no database; the time a
 * row shows comes from the payload or from `meta.receivedAt`, never from processing time.
 * Text Postgres cannot store (U+0000, unpaired surrogates) becomes U+FFFD first.
 */
export function project(event: RehookEvent, meta: EventMeta): ProjectResult {
  return projectStorable(storable(event), { ...meta, idempotencyKey: storableText(meta.idempotencyKey) });
}

/** {@link project} for an event and meta whose text is known to be storable. */
export function projectStorable(event: RehookEvent, meta: EventMeta): ProjectResult {
  try {
    const changes: Change[] = [];
    for (const model of READ_MODELS) {
      if (model.handles.has(event.name)) {
        for (const change of model.project(event, meta)) changes.push(change);
      }
    }
    return { outcome: 'projected', changes };
  } catch (error) {
    if (error instanceof UnprojectableValueError) return { outcome: 'unprojectable', reason: error.message };
    throw error;
  }
}
