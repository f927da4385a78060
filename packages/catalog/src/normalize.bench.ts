/**
 * Micro-benchmark of `normalize` over the shared fixtures (the worker normalizes every event on
 * its hot path; a rebuild needs 25,000+ events/s overall).
 *
 *   pnpm exec tsx packages/catalog/src/normalize.bench.ts
 */
import { normalize } from './normalize';
import { loadFixtures } from './test-fixtures';

const bodies = loadFixtures().map((f) => f.body);
const EVENTS = 500_000;

for (let round = 1; round <= 3; round++) {
  let recognized = 0;
  const started = performance.now();
  for (let i = 0; i < EVENTS; i++) {
    if (normalize(bodies[i % bodies.length]).outcome === 'recognized') recognized++;
  }
  const seconds = (performance.now() - started) / 1000;
  const perEvent = ((seconds * 1e6) / EVENTS).toFixed(2);
  console.log(
    `round ${round}: ${Math.round(EVENTS / seconds).toLocaleString('en')} events/s (${perEvent} µs each), ${recognized} recognized`,
  );
}
