import { faultSizes } from './harness/scale';
import { simulatedTraffic } from './harness/simulated-traffic';
import { startStack, WEBHOOK_HEADERS, type Stack } from './harness/stack';
import { sendTraffic } from './harness/traffic';
import { finishScenario } from './harness/finish';
import { startRandomKills } from './harness/random-kills';

const sizes = faultSizes();
let stack: Stack | undefined;

afterAll(async () => {
  await stack?.stop();
});

describe('workers killed with SIGKILL at random moments under load', () => {
  it('lose no acknowledged webhook and duplicate none once restarted', async () => {
    stack = await startStack({ workers: 2 });
    const running = stack;
    const startedAt = Date.now();
    // Seeded, so a failing run can be replayed.
    const kills = startRandomKills({
      seed: 7,
      members: running.workers,
      replace: () => running.startWorker(),
    });

    const ledger = await sendTraffic(simulatedTraffic(101, sizes.rate, sizes.loadS), {
      url: running.webhookUrl,
      headers: WEBHOOK_HEADERS,
      rate: sizes.rate,
      durationS: sizes.loadS,
    });
    const killed = await kills.stop();
    expect(killed).toBeGreaterThan(0);
    await finishScenario('worker SIGKILL under load', running, ledger, startedAt, sizes.scale, {
      kills: killed,
    });
  });
});
