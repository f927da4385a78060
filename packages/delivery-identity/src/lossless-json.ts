/**
 * JSON read without losing a number. `JSON.parse` turns every number into a double, so
 * `9007199254740993` reads as `9007199254740992` and two bodies that differ only there would
 * look identical. Here a number keeps its exact decimal value, written in one canonical spelling
 * ({@link canonicalNumberText}): numbers of equal value (`1`, `1.0`, `1e0`) are equal, numbers
 * of different value never are.
 */

/** A JSON number as its exact value, in canonical text. */
export class LosslessNumber {
  /** @param text - canonical text, as {@link canonicalNumberText} writes it. */
  constructor(readonly text: string) {}
}

const NUMBER_SYNTAX = /^(-?)(0|[1-9]\d*)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/**
 * The canonical spelling of a JSON number's exact decimal value. It is the ECMAScript
 * `Number::toString` layout (RFC 8785's) applied to the number's own digits instead of the
 * nearest double's: for every number a double holds exactly with at most 15 significant digits
 * (which is every number whose source has at most 15), it equals `String(Number(source))`, so
 * the canonical text of an ordinary body is the same however it was parsed.
 *
 * @throws Error if `source` is not a JSON number.
 */
export function canonicalNumberText(source: string): string {
  const match = NUMBER_SYNTAX.exec(source);
  if (match === null) throw new Error(`not a JSON number: ${source.slice(0, 40)}`);
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = match;
  // value = digits × 10^scale, digits without leading or trailing zeros
  let digits = (whole + fraction).replace(/^0+/, '');
  if (digits === '') return '0';
  let scale = BigInt(exponent) - BigInt(fraction.length);
  const trimmed = digits.replace(/0+$/, '');
  scale += BigInt(digits.length - trimmed.length);
  digits = trimmed;
  const k = BigInt(digits.length);
  // n: the position of the decimal point relative to the first digit (ECMA-262 Number::toString)
  const n = scale + k;
  let text: string;
  if (k <= n && n <= 21n) {
    text = digits + '0'.repeat(Number(n - k));
  } else if (0n < n && n <= 21n) {
    text = `${digits.slice(0, Number(n))}.${digits.slice(Number(n))}`;
  } else if (-6n < n && n <= 0n) {
    text = `0.${'0'.repeat(Number(-n))}${digits}`;
  } else {
    const e = n - 1n;
    const mantissa = digits.length === 1 ? digits : `${digits[0]}.${digits.slice(1)}`;
    text = `${mantissa}e${e < 0n ? '-' : '+'}${e < 0n ? -e : e}`;
  }
  return sign + text;
}

const WHITESPACE = /[ \t\n\r]*/y;
// JSON strings may not hold raw control characters, which is what the range excludes.
// eslint-disable-next-line no-control-regex
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERAL = /true|false|null/y;

/** An object or array being filled, and for an object the key whose value comes next. */
interface Frame {
  container: unknown[] | Record<string, unknown>;
  key: string;
}

/**
 * Parses JSON text like `JSON.parse` (same strings, same last-wins duplicate keys), except that
 * numbers become {@link LosslessNumber}s and objects have no prototype (so a `__proto__` key is
 * an ordinary key, as it is in `JSON.parse`'s result). Keeps its own stack: any depth.
 *
 * @throws SyntaxError if `text` is not JSON.
 */
export function parseLosslessJson(text: string): unknown {
  let pos = 0;
  const fail = (): never => {
    throw new SyntaxError(`not JSON at position ${pos}`);
  };
  const skip = (): void => {
    WHITESPACE.lastIndex = pos;
    WHITESPACE.exec(text);
    pos = WHITESPACE.lastIndex;
  };
  const token = (pattern: RegExp): string => {
    pattern.lastIndex = pos;
    const match = pattern.exec(text);
    if (match === null) return fail();
    pos = pattern.lastIndex;
    return match[0];
  };
  const key = (): string => {
    skip();
    const name = JSON.parse(token(STRING)) as string;
    skip();
    if (text[pos] !== ':') fail();
    pos++;
    return name;
  };

  const stack: Frame[] = [];
  for (;;) {
    skip();
    let value: unknown;
    const c = text[pos];
    if (c === '{' || c === '[') {
      pos++;
      skip();
      const close = c === '{' ? '}' : ']';
      const container = c === '{' ? (Object.create(null) as Record<string, unknown>) : [];
      if (text[pos] === close) {
        pos++;
        value = container;
      } else {
        stack.push({ container, key: c === '{' ? key() : '' });
        continue;
      }
    } else if (c === '"') {
      value = JSON.parse(token(STRING)) as string;
    } else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
      value = new LosslessNumber(canonicalNumberText(token(NUMBER)));
    } else {
      value = JSON.parse(token(LITERAL)) as unknown;
    }
    // Put the value in its container; close every container that ends here.
    for (;;) {
      const frame = stack.at(-1);
      if (frame === undefined) {
        skip();
        if (pos !== text.length) fail();
        return value;
      }
      const { container } = frame;
      if (Array.isArray(container)) container.push(value);
      else container[frame.key] = value;
      skip();
      if (text[pos] === ',') {
        pos++;
        if (!Array.isArray(container)) frame.key = key();
        break;
      }
      if (text[pos] !== (Array.isArray(container) ? ']' : '}')) fail();
      pos++;
      stack.pop();
      value = container;
    }
  }
}
