import { formatAmount, type Amount } from '../values/amount';
import type { JsonValue } from '@mirror/catalog';

// Every value crosses to Postgres as text (or null) inside an array parameter, with the
// element type cast in SQL; these give each kind of value its text form.

/** A text column. */
export function text(value: string | null): string | null {
  return value;
}

/** A bigint column (receipt stamps). */
export function int8(value: bigint | null): string | null {
  return value === null ? null : value.toString();
}

/** An integer column. */
export function int4(value: number | null): string | null {
  return value === null ? null : String(value);
}

/** A timestamptz(3) column. */
export function timestamp(value: Date | null): string | null {
  return value === null ? null : value.toISOString();
}

/** A numeric(38,4) column (an amount). */
export function numeric(value: Amount | null): string | null {
  return value === null ? null : formatAmount(value);
}

/** A jsonb column. */
export function jsonb(value: JsonValue | undefined | null): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

/** A boolean column. */
export function bool(value: boolean): string {
  return value ? 'true' : 'false';
}
