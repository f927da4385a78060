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
 */
export function project(event: RehookEvent, meta: EventMeta): ProjectResult {
  const safeEvent = storable(event);
  const safeMeta: EventMeta = { ...meta, idempotencyKey: storableText(meta.idempotencyKey) };
  try {
    const changes: Change[] = [];
    for (const model of READ_MODELS) {
      if (model.handles.has(safeEvent.name)) changes.push(...model.project(safeEvent, safeMeta));
    }
    return { outcome: 'projected', changes };
  } catch (error) {
    if (error instanceof UnprojectableValueError) return { outcome: 'unprojectable', reason: error.message };
    throw error;
  }
}
