/**
 * Tolerant field lookup for Rehook's mixed key casing (DESIGN.md, "Reading Rehook payloads").
 *
 * Rehook spells one field `source_id`, the next `AdvocateId`, and sends `CustomerID` next to
 * `CustomerId`. Every spelling of a field reduces to one key by lowercasing it and dropping
 * underscores: `customer_id`, `customerId`, `CustomerId` and `CustomerID` all become
 * `customerid`. When a body holds several spellings of one field, the first in the body's key
 * order wins
 * (not counting keys whose value is `undefined`, which JSON cannot carry anyway).
 */

/**
 * Keys that must never be written onto an object built from a body: assigning `__proto__` would
 * replace the prototype, and `constructor` / `prototype` are the other two gadgets of prototype
 * pollution. Lookups skip them too, so no catalog field can ever be read from them.
 */
const UNSAFE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** True for `__proto__`, `constructor` and `prototype`, which the catalog never reads or copies. */
export function isUnsafeKey(key: string): boolean {
  return UNSAFE_KEYS.has(key);
}

// The same few dozen keys arrive in every event, so their reduced form is cached. The cache is
// bounded (and long keys are not cached) because keys come from untrusted bodies.
const KEY_CACHE_LIMIT = 4096;
const CACHEABLE_KEY_LENGTH = 64;
const keyCache = new Map<string, string>();

/**
 * The comparison form of a field name: lowercased, underscores removed.
 * `fieldKey('CustomerID') === fieldKey('customer_id') === 'customerid'`.
 */
export function fieldKey(name: string): string {
  const cached = keyCache.get(name);
  if (cached !== undefined) return cached;
  const reduced = name.toLowerCase().replaceAll('_', '');
  if (name.length <= CACHEABLE_KEY_LENGTH) {
    if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.clear();
    keyCache.set(name, reduced);
  }
  return reduced;
}

/** A JSON object (or any non-array object): something whose own keys can be looked up. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The value of the field `name` in `source`, whatever its spelling there; `undefined` when
 * `source` is not an object or has no such own field. Inherited properties are never read.
 */
export function lookupField(source: unknown, name: string): unknown {
  if (!isRecord(source)) return undefined;
  const wanted = fieldKey(name);
  for (const key of Object.keys(source)) {
    if (!isUnsafeKey(key) && fieldKey(key) === wanted) return source[key];
  }
  return undefined;
}

/**
 * Build a function that copies the fields `names` out of a body object in one pass over its
 * keys, whatever their spelling there. The result has exactly the keys `names` (spelled as
 * given here), `undefined` for the fields the body lacks; a non-object body gives all
 * `undefined`. Build pickers once, at module load: the hot path only runs them.
 *
 * @throws Error at build time if two of `names` reduce to the same key (a programming error).
 */
export function fieldPicker<K extends string>(names: readonly K[]): (source: unknown) => Record<K, unknown> {
  const byKey = new Map<string, K>();
  for (const name of names) {
    const key = fieldKey(name);
    if (isUnsafeKey(name) || byKey.has(key)) throw new Error(`fieldPicker: "${name}" cannot be picked`);
    byKey.set(key, name);
  }
  return (source) => {
    const picked = {} as Record<K, unknown>;
    for (const name of names) picked[name] = undefined;
    if (!isRecord(source)) return picked;
    let remaining = names.length;
    for (const key of Object.keys(source)) {
      if (isUnsafeKey(key)) continue;
      const name = byKey.get(fieldKey(key));
      if (name === undefined || picked[name] !== undefined) continue;
      const value = source[key];
      if (value === undefined) continue;
      picked[name] = value;
      if (--remaining === 0) break;
    }
    return picked;
  };
}
