import type { Stack } from './stack';
import { API_TOKEN } from './stack';
import { publish, scenarioReport, type ScenarioReport } from './report';
import type { TrafficLedger } from './traffic';
import { readMetric } from './sampler';
import { compareWithRebuild, storeFigures, waitForDrain } from './verify';

/**
 * Customers whose event count over the API differs from the event store's count of their
 * events (a sample: the API must serve what the store holds, not only the tables).
 */
async function apiDisagreements(stack: Stack, sample: number): Promise<string[]> {
  const rows = await stack.prisma.$queryRawUnsafe<{ source_id: string; n: number }[]>(
    `SELECT source_id, count(*)::int AS n FROM events WHERE source_id <> '' GROUP BY source_id
      ORDER BY source_id LIMIT ${sample}`,
  );
  const out: string[] = [];
  for (const row of rows) {
    const response = await fetch(`${stack.apiUrl}/v1/customers/${encodeURIComponent(row.source_id)}`, {
      headers: { authorization: `Bearer ${API_TOKEN}` },
    });
    const body = (await response.json()) as { eventCount?: number };
    if (response.status !== 200 || body.eventCount !== row.n) {
      out.push(`${row.source_id}: API ${response.status} ${String(body.eventCount)}, store ${row.n}`);
    }
  }
  return out;
}

/**
 * The end of every scenario: wait for the workers to drain the queue, compare the
 * acknowledged deliveries with the event store and the read models with a rebuild, check the
 * API on a sample, publish the figures and assert the invariants.
 */
export async function finishScenario(
  name: string,
  stack: Stack,
  ledger: TrafficLedger,
  startedAt: number,
  scale: string,
  notes?: Record<string, unknown>,
): Promise<ScenarioReport> {
  await waitForDrain(stack.queue, 180_000);
  const figures = await storeFigures(stack.prisma, stack.queue, ledger);
  const api = await apiDisagreements(stack, 10);
  const rebuild = await compareWithRebuild(stack.prisma);
  // Jobs whose lock lapsed and that ran again, as counted by the workers alive now (a killed
  // worker's count is gone with it, so after kills this is a lower bound).
  let stalledJobs = 0;
  for (const worker of stack.workers) {
    stalledJobs += (await readMetric(worker.metricsUrl, 'mirror_worker_jobs_stalled_total')) ?? 0;
  }
  const report = scenarioReport(name, scale, ledger, figures, rebuild, startedAt, {
    ...notes,
    stalledJobs,
    ...(api.length > 0 && { apiDisagreements: api }),
  });
  publish(report);
  expect(figures).toMatchObject({ lost: 0, duplicated: 0, unexpected: 0, failedJobs: 0 });
  expect(ledger.keyMismatches).toBe(0);
  expect(rebuild).toEqual([]);
  expect(api).toEqual([]);
  // Nothing the sender sent was malformed, so anything but 200 and 503 is a finding.
  const unexpectedAnswers = Object.keys(ledger.answers).filter((s) => !['200', '503', 'network'].includes(s));
  expect(unexpectedAnswers).toEqual([]);
  return report;
}
