import { isStorableText, storableText } from '@mirror/event-store';

function needsRepair(value: unknown): boolean {
  if (typeof value === 'string') return !isStorableText(value);
  if (value === null || typeof value !== 'object' || value instanceof Date) return false;
  if (Array.isArray(value)) return value.some(needsRepair);
  return Object.entries(value).some(([key, item]) => !isStorableText(key) || needsRepair(item));
}

function repair(value: unknown): unknown {
  if (typeof value === 'string') return storableText(value);
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  if (Array.isArray(value)) return value.map(repair);
  // fromEntries defines own properties, so even a `__proto__` key stays an ordinary key.
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [storableText(key), repair(item)]));
}

/**
 * `value` (a normalized event) with every string and object key made storable by Postgres (see
 * `storableText`): done before projecting, so that natural keys are the same in memory and in
 * the database. Returns `value` itself when nothing needs repair (the usual case).
 */
export function storable<T>(value: T): T {
  // Sound: repair keeps the shape (objects stay objects, strings stay strings).
  return needsRepair(value) ? (repair(value) as T) : value;
}
