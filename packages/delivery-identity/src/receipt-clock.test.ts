import { compareReceiptStamps, ReceiptClock } from './receipt-clock';

describe('ReceiptClock', () => {
  it('stamps accept time in microseconds when the clock moves on', () => {
    const clock = new ReceiptClock(() => 1_700_000_000_123);
    expect(clock.next()).toEqual({ stamp: 1_700_000_000_123_000n, receivedAt: 1_700_000_000_123 });
  });

  it('gives two events accepted in the same millisecond distinct, increasing stamps', () => {
    const clock = new ReceiptClock(() => 5);
    const stamps = [clock.next(), clock.next(), clock.next()].map((s) => s.stamp);
    expect(stamps).toEqual([5000n, 5001n, 5002n]);
  });

  it('never goes backwards when the wall clock does', () => {
    const times = [10, 9, 3, 11];
    const clock = new ReceiptClock(() => times.shift() ?? 0);
    const stamps = [clock.next(), clock.next(), clock.next(), clock.next()];
    expect(stamps.map((s) => s.stamp)).toEqual([10_000n, 10_001n, 10_002n, 11_000n]);
    // receivedAt stays what the wall clock said: it records time, the stamp records order.
    expect(stamps.map((s) => s.receivedAt)).toEqual([10, 9, 3, 11]);
  });

  it('is strictly increasing over many stamps taken from the real clock', () => {
    const clock = new ReceiptClock();
    let previous = clock.next().stamp;
    for (let i = 0; i < 100_000; i++) {
      const { stamp } = clock.next();
      expect(stamp > previous).toBe(true);
      previous = stamp;
    }
  });
});

describe('compareReceiptStamps', () => {
  it('orders decimal stamps numerically, not as text', () => {
    expect(compareReceiptStamps('999', '1000')).toBe(-1);
    expect(compareReceiptStamps('1700000000123001', '1700000000123000')).toBe(1);
    expect(compareReceiptStamps('42', '42')).toBe(0);
  });
});
