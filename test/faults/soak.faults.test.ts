import { faultSizes } from './harness/scale';
import { growth, startSampler } from './harness/sampler';
import { simulatedTraffic } from './harness/simulated-traffic';
import { startStack, WEBHOOK_HEADERS, type Stack } from './harness/stack';
import { sendTraffic } from './harness/traffic';
import { finishScenario } from './harness/finish';

const sizes = faultSizes();
let stack: Stack | undefined;

afterAll(async () => {
  await stack?.stop();
});

describe(`a soak: ${sizes.soakRate} webhooks a second for ${sizes.soakS} s`, () => {
  it('keeps memory and queue depth level, and stores every acknowledged webhook once', async () => {
    stack = await startStack({ workers: 2 });
    const running = stack;
    const startedAt = Date.now();
    const sampler = startSampler(running, Math.max(1000, (sizes.soakS * 1000) / 30));
    const ledger = await sendTraffic(simulatedTraffic(404, sizes.soakRate, sizes.soakS), {
      url: running.webhookUrl,
      headers: WEBHOOK_HEADERS,
      rate: sizes.soakRate,
      durationS: sizes.soakS,
    });
    const samples = await sampler.stop();
    const ingestRss = growth(
      samples.map((s) => s.ingestRssMiB),
      0.25,
      32,
    );
    const workerRss = growth(
      samples.map((s) => s.workerRssMiB),
      0.25,
      32,
    );
    const depth = growth(
      samples.map((s) => s.queueDepth),
      1,
      sizes.soakRate * 2,
    );
    const maxDepth = Math.max(...samples.map((s) => s.queueDepth ?? 0));
    await finishScenario(
      `soak ${sizes.soakS} s at ${sizes.soakRate}/s`,
      running,
      ledger,
      startedAt,
      sizes.scale,
      {
        ingestRssMiB: ingestRss,
        workerRssMiB: workerRss,
        queueDepth: { ...depth, max: maxDepth },
        samples: samples.length,
      },
    );
    expect(samples.length).toBeGreaterThanOrEqual(10);
    expect(ingestRss.levelsOff).toBe(true);
    expect(workerRss.levelsOff).toBe(true);
    expect(depth.levelsOff).toBe(true);
  });
});
