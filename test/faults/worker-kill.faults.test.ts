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

describe('workers killed with SIGKILL at random moments under load', () => {
  it('lose no acknowledged webhook and duplicate none once restarted', async () => {
    stack = await startStack({ workers: 2 });
    const running = stack;
    const startedAt = Date.now();
    let kills = 0;
    let loadDone = false;
    // Seeded, so a failing run can be replayed: kill one worker every 1–3 s, start a new one.
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const killer = (async () => {
      while (!loadDone) {
        await sleep(1000 + random() * 2000);
        if (loadDone) break;
        const victim = running.workers.splice(Math.floor(random() * running.workers.length), 1)[0];
        if (victim === undefined) continue;
        victim.process.kill('SIGKILL');
        await victim.process.exited;
        kills++;
        await running.startWorker();
      }
    })();

    const ledger = await sendTraffic(simulatedTraffic(101, sizes.rate, sizes.loadS), {
      url: running.webhookUrl,
      headers: WEBHOOK_HEADERS,
      rate: sizes.rate,
      durationS: sizes.loadS,
    });
    loadDone = true;
    await killer;
    expect(kills).toBeGreaterThan(0);
    await finishScenario('worker SIGKILL under load', running, ledger, startedAt, sizes.scale, { kills });
  });
});
