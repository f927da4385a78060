import { faultSizes } from './harness/scale';
import { simulatedTraffic } from './harness/simulated-traffic';
import { startStack, WEBHOOK_HEADERS, type Stack } from './harness/stack';
import { sendTraffic } from './harness/traffic';
import { finishScenario } from './harness/finish';

const sizes = faultSizes();
let stack: Stack | undefined;

afterAll(async () => {
  await stack?.stop();
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('Postgres stopped (immediate, like a crash) and restarted under load', () => {
  it('keeps acknowledging, and the jobs retry and complete with nothing duplicated', async () => {
    stack = await startStack({ workers: 2 });
    const running = stack;
    const startedAt = Date.now();
    const outageMs = 5000;
    const outages = sizes.scale === 'full' ? 3 : 1;
    // Deliberate sleeps: they spread the faults over the load and hold each for its length.
    const chaos = (async () => {
      for (let i = 0; i < outages; i++) {
        await sleep((sizes.loadS * 1000) / (outages + 1) - (i === 0 ? 0 : outageMs));
        running.postgres.stop();
        await sleep(outageMs);
        running.postgres.start();
      }
    })();

    const [ledger] = await Promise.all([
      sendTraffic(simulatedTraffic(303, sizes.rate, sizes.loadS), {
        url: running.webhookUrl,
        headers: WEBHOOK_HEADERS,
        rate: sizes.rate,
        durationS: sizes.loadS,
      }),
      chaos,
    ]);
    // The ingest never touches Postgres: an outage there must cost no acknowledgement.
    expect(ledger.unacknowledged).toBe(0);
    const retried = await running.queue.getJobCounts('completed');
    await finishScenario('Postgres stop + restart under load', running, ledger, startedAt, sizes.scale, {
      outages,
      outageMs,
      completedJobsAtEndOfLoad: retried['completed'],
    });
  });
});
