import { appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TrafficLedger } from './traffic';
import type { StoreFigures } from './verify';

/** Where each scenario's figures are appended as one JSON line (for RELIABILITY.md). */
export const REPORT_FILE = process.env['FAULTS_REPORT'] ?? path.join(tmpdir(), 'rehook-mirror-faults.jsonl');

/** One scenario's outcome. */
export interface ScenarioReport {
  scenario: string;
  scale: string;
  deliveries: number;
  answers: Record<string, number>;
  figures: StoreFigures;
  rebuildDifferences: number;
  seconds: number;
  /** Scenario-specific observations (restarts, 503 counts, memory samples...). */
  notes?: Record<string, unknown>;
}

/** Builds the report of a scenario from what it measured. */
export function scenarioReport(
  scenario: string,
  scale: string,
  ledger: TrafficLedger,
  figures: StoreFigures,
  rebuildDifferences: string[],
  startedAt: number,
  notes?: Record<string, unknown>,
): ScenarioReport {
  return {
    scenario,
    scale,
    deliveries: ledger.deliveries,
    answers: ledger.answers,
    figures,
    rebuildDifferences: rebuildDifferences.length,
    seconds: Math.round((Date.now() - startedAt) / 100) / 10,
    ...(notes !== undefined && { notes }),
  };
}

/** Prints the scenario's line (acknowledged / stored / duplicated / lost) and appends its JSON. */
export function publish(report: ScenarioReport): void {
  const f = report.figures;
  const line =
    `[faults] ${report.scenario}: acknowledged ${f.acknowledged} / stored ${f.stored} / ` +
    `duplicated ${f.duplicated} / lost ${f.lost} (stored unacknowledged ${f.storedUnacknowledged}, ` +
    `unexpected ${f.unexpected}, failed jobs ${f.failedJobs}, rebuild differences ${report.rebuildDifferences}; ` +
    `answers ${JSON.stringify(report.answers)}; ${report.seconds} s)`;
  process.stdout.write(`${line}\n`);
  if (report.notes !== undefined)
    process.stdout.write(`[faults] ${report.scenario} notes: ${JSON.stringify(report.notes)}\n`);
  appendFileSync(REPORT_FILE, `${JSON.stringify({ at: new Date().toISOString(), ...report })}\n`);
}
