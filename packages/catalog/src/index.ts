export * from './events';
export { normalize, type NormalizeOptions } from './normalize';
export { canonicalEventName } from './names';
export { requiresSourceId } from './subjects';
export { parseRehookTimestamp } from './timestamps';
export { fieldKey, lookupField } from './field-lookup';
export * from './schemas';
