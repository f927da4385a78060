/**
 * Canonical JSON text of a parsed JSON value: object keys sorted (by UTF-16 code units, as
 * RFC 8785 prescribes), no whitespace, strings and numbers serialized by the ECMAScript rules
 * (`JSON.stringify`, `String(number)`) that RFC 8785 adopts. Two bodies that differ only in key
 * order or whitespace therefore have the same canonical text, and so the same idempotency key.
 *
 * Written here rather than taken from `canonicalize` or `fast-json-stable-stringify` because
 * both recurse, and a body of a few hundred kilobytes of nested brackets (valid JSON, accepted
 * by `JSON.parse`, which is iterative in V8) would overflow the stack; this version keeps its
 * own stack. It is about as long as either library.
 *
 * The input must be what `JSON.parse` returns (plain objects, arrays, strings, finite numbers,
 * booleans, null); anything else is outside the contract.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return primitive(value);
  let out = '';
  // Work items, popped from the end: a string is literal output, an object is a container that
  // still has to be expanded. Primitives are serialized when their container is expanded.
  const stack: (string | object)[] = [value];
  while (stack.length > 0) {
    const item = stack.pop() as string | object;
    if (typeof item === 'string') {
      out += item;
    } else if (Array.isArray(item)) {
      const elements = item as unknown[];
      out += '[';
      stack.push(']');
      for (let i = elements.length - 1; i >= 0; i--) {
        pushValue(stack, elements[i]);
        if (i > 0) stack.push(',');
      }
    } else {
      const record = item as Record<string, unknown>;
      const keys = Object.keys(record).sort();
      out += '{';
      stack.push('}');
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i] as string;
        pushValue(stack, record[key]);
        stack.push(i > 0 ? `,${JSON.stringify(key)}:` : `${JSON.stringify(key)}:`);
      }
    }
  }
  return out;
}

function pushValue(stack: (string | object)[], value: unknown): void {
  stack.push(value !== null && typeof value === 'object' ? value : primitive(value));
}

function primitive(value: unknown): string {
  // String(number) is JSON.stringify(number) for every finite number (-0 included), and cheaper.
  return typeof value === 'number' ? String(value) : JSON.stringify(value);
}
