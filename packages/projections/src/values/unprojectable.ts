/**
 * A recognized event carries a value that no read model can hold (an amount of 1e16 or more,
 * a date outside 0001–9999, a fractional rank). The event is then stored as `invalid` with this
 * message as its reason, rather than failing its job on every retry.
 */
export class UnprojectableValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnprojectableValueError';
  }
}
