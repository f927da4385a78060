import { generateTraffic } from '../../../apps/cli/src/simulator/traffic-model';
import { eventIdentityOf } from '@mirror/delivery-identity';
import type { Sendable } from './traffic';

/**
 * The simulator's seeded traffic model (every Rehook event kind, 5 % redeliveries), enough of
 * it for `seconds` at `rate`; each scenario passes its own seed and tag so runs never share rows.
 */
export function simulatedTraffic(seed: number, rate: number, seconds: number): Iterable<Sendable> {
  const events = Math.ceil(rate * seconds) + 10;
  const traffic = generateTraffic({ seed, customers: Math.max(20, Math.ceil(events / 15)), events });
  // The model keys bodies by their hash; the mirror identifies them by occurrence or content.
  return (function* () {
    for (const item of traffic) {
      yield { ...item, key: eventIdentityOf(item.rawBody, JSON.parse(item.rawBody)) };
    }
  })();
}
