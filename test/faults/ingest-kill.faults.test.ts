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

describe('ingest replicas killed with SIGKILL at random moments under load', () => {
  it('lose no acknowledged webhook and duplicate none: the sender retries on another replica', async () => {
    stack = await startStack({ workers: 2, ingests: 2 });
    const running = stack;
    const startedAt = Date.now();
    // Seeded, so a failing run can be replayed: a replica is killed mid-request, with adds of
    // the current turn not yet sent to Redis, or sent but not answered.
    const kills = startRandomKills({
      seed: 11,
      members: running.ingests,
      replace: () => running.startIngest(),
    });

    // A load balancer in front: every attempt goes to the next replica running now, so a retry
    // after a killed connection lands on another one, as Rehook's retry through a balancer would.
    let next = 0;
    const ledger = await sendTraffic(simulatedTraffic(303, sizes.rate, sizes.loadS), {
      url: () => {
        const replicas = running.ingests;
        const replica = replicas[next++ % Math.max(replicas.length, 1)];
        return replica?.webhookUrl ?? running.webhookUrl;
      },
      headers: WEBHOOK_HEADERS,
      rate: sizes.rate,
      durationS: sizes.loadS,
    });
    const killed = await kills.stop();
    expect(killed).toBeGreaterThan(0);
    await finishScenario('ingest replica SIGKILL under load', running, ledger, startedAt, sizes.scale, {
      kills: killed,
      replicas: 2,
    });
  });
});
