import { faultSizes } from './harness/scale';
import { simulatedTraffic } from './harness/simulated-traffic';
import { startStack, WEBHOOK_HEADERS, type Stack } from './harness/stack';
import { sendProbe, type ProbeAnswer } from './harness/probe';
import { sendTraffic } from './harness/traffic';
import { finishScenario } from './harness/finish';

const sizes = faultSizes();
let stack: Stack | undefined;

afterAll(async () => {
  await stack?.stop();
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('Redis killed and restarted under load (append-only file, fsynced before each answer)', () => {
  it('answers 503 while it is down, never 200 for a job Redis did not take, and workers resume by themselves', async () => {
    stack = await startStack({ workers: 2 });
    const running = stack;
    const startedAt = Date.now();
    const outageMs = 4000;
    const outages = sizes.scale === 'full' ? 3 : 1;
    const during: ProbeAnswer[] = [];
    // Deliberate sleeps: they spread the faults over the load and hold each for its length.
    const chaos = (async () => {
      for (let i = 0; i < outages; i++) {
        await sleep((sizes.loadS * 1000) / (outages + 1) - (i === 0 ? 0 : outageMs));
        await running.redis.kill();
        await sleep(outageMs);
        // What the ingest answers while Redis is gone, asked directly (not through the sender).
        during.push(await sendProbe(running, i));
        await running.redis.restart();
      }
    })();

    const traffic = sendTraffic(simulatedTraffic(202, sizes.rate, sizes.loadS), {
      url: running.webhookUrl,
      headers: WEBHOOK_HEADERS,
      rate: sizes.rate,
      durationS: sizes.loadS,
    });
    const [ledger] = await Promise.all([traffic, chaos]);
    // The probes were sent outside the ledger and refused; they must not be stored.
    expect(during.map((d) => d.status)).toEqual(Array.from({ length: outages }, () => 503));
    expect(during.every((d) => d.retryAfter > 0)).toBe(true);
    expect(ledger.answers['503'] ?? 0).toBeGreaterThan(0);
    // The ingest rode out the outage without a restart.
    expect(running.ingest.child.exitCode).toBeNull();
    await finishScenario('Redis SIGKILL + restart under load', running, ledger, startedAt, sizes.scale, {
      outages,
      outageMs,
      probes: during,
    });
  });
});
