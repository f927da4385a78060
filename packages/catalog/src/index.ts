export * from './events';
export type { EventData, EventOf } from './event-of';
export { normalize, type NormalizeOptions } from './normalize';
export { canonicalEventName } from './names';
export { requiresSourceId } from './requires-source-id';
export { parseRehookTimestamp } from './timestamps';
export { fieldKey, lookupField } from './field-lookup';
export * from './schemas';
export { OCCURRENCE_KEYS, type OccurrenceKeyDeclaration } from './occurrence-keys';
