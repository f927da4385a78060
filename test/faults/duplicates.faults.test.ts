import { dumpReadModels } from '../support/read-model-dump';
import { fixtureCorpus } from './harness/fixture-corpus';
import { faultSizes } from './harness/scale';
import { startStack, WEBHOOK_HEADERS, type Stack } from './harness/stack';
import { deliver, emptyLedger } from './harness/traffic';
import { finishScenario } from './harness/finish';
import { waitForDrain } from './harness/verify';

const sizes = faultSizes();
let stack: Stack | undefined;

afterAll(async () => {
  await stack?.stop();
});

describe('the same delivery sent many times at once, and again after its job is gone', () => {
  it('is stored once, and the late redelivery changes no read model', async () => {
    stack = await startStack({ workers: 2 });
    const running = stack;
    const startedAt = Date.now();
    const corpus = fixtureCorpus(sizes.duplicateBodies, 'dup');
    const ledger = emptyLedger();
    const target = { url: running.webhookUrl, headers: WEBHOOK_HEADERS };
    const storm = async () => {
      // Ten bodies at a time, every copy of each at once, in its several spellings.
      for (let i = 0; i < corpus.length; i += 10) {
        const sends = corpus.slice(i, i + 10).flatMap((item) =>
          Array.from({ length: sizes.duplicateCopies }, (_, copy) => {
            ledger.deliveries++;
            const rawBody = item.spellings[copy % item.spellings.length] ?? item.rawBody;
            return deliver({ key: item.key, rawBody }, target, ledger);
          }),
        );
        const results = await Promise.all(sends);
        ledger.unacknowledged += results.filter((ok) => !ok).length;
      }
    };
    await storm();
    await waitForDrain(running.queue, 60_000);
    const before = await dumpReadModels(running.prisma);

    // BullMQ forgets completed jobs after a day (or 100 000 of them); make that day pass.
    await running.queue.clean(0, 1_000_000, 'completed');
    expect(await running.queue.getCompletedCount()).toBe(0);
    await storm();
    await waitForDrain(running.queue, 60_000);
    const after = await dumpReadModels(running.prisma);
    expect(after).toEqual(before);

    const report = await finishScenario(
      'duplicate storm + redelivery after job removal',
      running,
      ledger,
      startedAt,
      sizes.scale,
      {
        bodies: corpus.length,
        copiesPerBodyPerRound: sizes.duplicateCopies,
        rounds: 2,
        readModelsChangedByLateRedelivery: false,
      },
    );
    // Bodies of the corpus that share a natural id (a transaction, a redemption) are one event.
    expect(report.figures.stored).toBe(new Set(corpus.map((item) => item.key)).size);
  });
});
