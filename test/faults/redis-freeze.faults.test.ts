import { faultSizes } from './harness/scale';
import { simulatedTraffic } from './harness/simulated-traffic';
import { INGEST_ENQUEUE_TIMEOUT_MS, startStack, WEBHOOK_HEADERS, type Stack } from './harness/stack';
import { sendProbe, type ProbeAnswer } from './harness/probe';
import { sendTraffic } from './harness/traffic';
import { finishScenario } from './harness/finish';

const sizes = faultSizes();
let stack: Stack | undefined;

afterAll(async () => {
  stack?.redis.thaw();
  await stack?.stop();
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('Redis frozen under load (SIGSTOP: what a partition or a stalled host looks like)', () => {
  it('answers 503 within the enqueue timeout while Redis hangs, and stores each acknowledged webhook once after', async () => {
    stack = await startStack({ workers: 2 });
    const running = stack;
    const startedAt = Date.now();
    const freezeMs = 4000;
    const freezes = sizes.scale === 'full' ? 3 : 1;
    const probes: ProbeAnswer[] = [];
    // Unlike a crash, a frozen Redis refuses nothing: connections stay open and the adds sent
    // meanwhile wait, unanswered, then run when it thaws. The ingest must not wait for them past
    // its timeout, and what they add after its 503 is a redelivery's job, deduplicated.
    // Deliberate sleeps: they spread the faults over the load and hold each for its length.
    const chaos = (async () => {
      for (let i = 0; i < freezes; i++) {
        await sleep((sizes.loadS * 1000) / (freezes + 1) - (i === 0 ? 0 : freezeMs));
        running.redis.freeze();
        await sleep(freezeMs / 2);
        probes.push(await sendProbe(running, i));
        await sleep(freezeMs / 2);
        running.redis.thaw();
      }
    })();

    const traffic = sendTraffic(simulatedTraffic(404, sizes.rate, sizes.loadS), {
      url: running.webhookUrl,
      headers: WEBHOOK_HEADERS,
      rate: sizes.rate,
      durationS: sizes.loadS,
    });
    const [ledger] = await Promise.all([traffic, chaos]);
    expect(probes.map((p) => p.status)).toEqual(Array.from({ length: freezes }, () => 503));
    expect(Math.max(...probes.map((p) => p.ms))).toBeLessThan(INGEST_ENQUEUE_TIMEOUT_MS + 1000);
    expect(ledger.answers['503'] ?? 0).toBeGreaterThan(0);
    expect(running.ingest.child.exitCode).toBeNull();
    // The probes were refused (503) but their adds may have run once Redis thawed, like any
    // unanswered add: sent, so allowed in the store, once.
    for (const { key } of probes) ledger.sent.add(key);
    await finishScenario('Redis frozen (SIGSTOP) under load', running, ledger, startedAt, sizes.scale, {
      freezes,
      freezeMs,
      probes,
    });
  });
});
