import type { Command } from 'commander';
import { parseEnv } from '@mirror/config';
import { createLogger } from '@mirror/logger';
import { RECONCILE_OFF, rehookClientFromEnv, type ReconcileRunResult, runReconcile } from '@mirror/reconcile';
import { withPrisma } from './stats';

/** The one-line report of a run. */
export function formatRun(run: ReconcileRunResult): string {
  return [
    `reconcile run ${run.id}${run.dryRun ? ' (dry run)' : ''}: ${run.status}`,
    `  customers checked ${run.customersChecked}, not read ${run.customersFailed}`,
    `  records read ${run.recordsRead}, events appended ${run.eventsAppended}, drift items ${run.driftItems}`,
    ...(run.error ? [`  error: ${run.error}`] : []),
    ...(run.note ? [`  note: ${run.note}`] : []),
    `  details: GET /v1/reconcile/runs/${run.id}`,
  ].join('\n');
}

/** `pnpm mirror reconcile [--customer X]... [--dry-run]`. */
export function registerReconcile(program: Command): void {
  program
    .command('reconcile')
    .description(
      "Compare the mirror with Rehook's REST API (wallets, every page of transactions, referral lists) " +
        'for every known customer, append what the webhooks never brought, and record drift. Exits ' +
        'non-zero unless the run succeeded (REHOOK_API_KEY, REHOOK_API_SECRET, REHOOK_API_URL, DATABASE_URL).',
    )
    .option(
      '--customer <sourceId>',
      'only this customer (repeatable)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option(
      '--dry-run',
      'compare and record the run, append nothing (what would be appended is listed as drift)',
    )
    .option('--json', 'print the run as JSON')
    .action(async (options: { customer?: string[]; dryRun?: boolean; json?: boolean }) => {
      const env = parseEnv(process.env);
      const logger = createLogger('reconcile', env.LOG_LEVEL, process.stderr);
      const api = rehookClientFromEnv(env, logger);
      if (api === null) throw new Error(RECONCILE_OFF);
      const run = await withPrisma(env, (prisma) =>
        runReconcile(
          { prisma, databaseUrl: env.DATABASE_URL, api, logger },
          {
            trigger: 'cli',
            dryRun: options.dryRun ?? false,
            ...(options.customer ? { customers: options.customer } : {}),
          },
        ),
      );
      console.log(options.json ? JSON.stringify(run, null, 2) : formatRun(run));
      if (run.status !== 'succeeded') process.exitCode = 1;
    });
}
