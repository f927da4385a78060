import { generateTraffic } from '../../../apps/cli/src/simulator/traffic-model';
import type { Sendable } from './traffic';

/**
 * The simulator's seeded traffic model (every Rehook event kind, 5 % redeliveries), enough of
 * it for `seconds` at `rate`; each scenario passes its own seed and tag so runs never share rows.
 */
export function simulatedTraffic(seed: number, rate: number, seconds: number): Iterable<Sendable> {
  const events = Math.ceil(rate * seconds) + 10;
  return generateTraffic({ seed, customers: Math.max(20, Math.ceil(events / 15)), events });
}
