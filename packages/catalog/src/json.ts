import type { JsonValue } from './events';
import { isRecord, isUnsafeKey } from './field-lookup';

/**
 * Nesting beyond this is dropped. JSON from a 1 MiB body can nest hundreds of thousands of
 * levels; recursing that deep would overflow the stack, and no real customer property does.
 */
const MAX_DEPTH = 32;

/**
 * Copy a payload value that the catalog passes through as JSON (customer properties, coupon
 * details), so that projections get nothing but JSON and nothing that pollutes a prototype.
 *
 * - `__proto__`, `constructor` and `prototype` keys are dropped at every depth.
 * - Values JSON cannot hold are handled as `JSON.stringify` would: `undefined` (and functions,
 *   symbols, bigints) dropped from objects and `null` in arrays; non-finite numbers become `null`.
 * - Values nested deeper than 32 levels are dropped.
 *
 * @returns `undefined` when the value itself is dropped.
 */
export function toJsonValue(value: unknown, depth = 0): JsonValue | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value + 0 : null;
    case 'object':
      if (value === null) return null;
      if (depth >= MAX_DEPTH) return undefined;
      if (Array.isArray(value)) {
        const items: unknown[] = value;
        return items.map((item) => toJsonValue(item, depth + 1) ?? null);
      }
      return toJsonObject(value, undefined, depth);
    default:
      return undefined;
  }
}

/**
 * Copy an object's fields as JSON (see {@link toJsonValue}); anything that is not an object
 * gives `{}`.
 *
 * @param skip keys to leave out (for example the customer id among a signup's properties).
 */
export function toJsonObject(
  value: unknown,
  skip?: (key: string) => boolean,
  depth = 0,
): Record<string, JsonValue> {
  const copy: Record<string, JsonValue> = {};
  if (!isRecord(value) || depth >= MAX_DEPTH) return copy;
  for (const key of Object.keys(value)) {
    if (isUnsafeKey(key) || skip?.(key) === true) continue;
    const item = toJsonValue(value[key], depth + 1);
    if (item !== undefined) copy[key] = item;
  }
  return copy;
}
