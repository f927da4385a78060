import type { Command } from 'commander';
import { parseEnv } from '@mirror/config';
import { applyMigrations } from '@mirror/db/migrations';
import { withPrisma } from './stats';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description(
      'Apply pending migrations from prisma/migrations to DATABASE_URL, with Prisma-compatible history ' +
        '(a later `prisma migrate deploy` sees them as applied). Needs no download.',
    )
    .option('--check', 'only check that prisma/schema.prisma and the migrations agree (exit 1 if not)')
    .option('--create <name>', 'write the next migration from prisma/schema.prisma (development)')
    .option(
      '--wait [seconds]',
      'first wait until Postgres accepts connections, retrying for up to this long (default 60)',
    )
    .addHelpText(
      'after',
      '\nDATABASE_URL names the database to migrate. --check and --create use it only to host a\n' +
        'temporary scratch database in which the migrations are replayed.',
    )
    .action(async (options: { check?: boolean; create?: string; wait?: true | string }) => {
      const env = parseEnv(process.env);
      if (options.wait !== undefined) {
        const { waitForDatabase } = await import('@mirror/db/migrations/wait-for-database');
        await waitForDatabase(env.DATABASE_URL, {
          timeoutMs: waitSeconds(options.wait) * 1000,
          log: (line) => console.log(line),
        });
      }
      await ensureDatabase(env.DATABASE_URL);
      if (options.check) {
        const { diffMigrationsToSchema } = await import('@mirror/db/migrations/schema-engine');
        const sql = await diffMigrationsToSchema(env.DATABASE_URL);
        if (sql !== '') {
          throw new Error(
            'prisma/schema.prisma and prisma/migrations disagree. Run `pnpm mirror migrate --create <name>`.\n' +
              `The missing migration would be:\n${sql}`,
          );
        }
        console.log('schema.prisma and prisma/migrations agree');
        return;
      }
      if (options.create !== undefined) {
        const { createMigration } = await import('@mirror/db/migrations/create-migration');
        const folder = await createMigration(env.DATABASE_URL, options.create);
        console.log(folder ? `wrote ${folder}/migration.sql` : 'schema.prisma needs no new migration');
        return;
      }
      const result = await applyMigrations(env.DATABASE_URL, { log: (line) => console.log(line) });
      console.log(
        result.applied.length === 0
          ? `database is up to date (${result.alreadyApplied.length} migrations applied earlier)`
          : `applied ${result.applied.length} migration(s)`,
      );
      // What SQL could not do for 20261205095842_segment_names: read the segment events' names.
      const { replaceCarriedOverSegmentNames } = await import('@mirror/projections');
      const names = await withPrisma(env, replaceCarriedOverSegmentNames);
      if (names.carriedOver > 0) {
        console.log(
          `segment_names: the ${names.carriedOver} name(s) that 20261205095842_segment_names carried over ` +
            `replaced by the reports of ${names.events} segment event(s)`,
        );
      }
    });
}

/** The seconds of `--wait [seconds]`: 60 when only the flag is given. */
function waitSeconds(value: true | string): number {
  if (value === true) return 60;
  const seconds = Number(value);
  if (!/^\d+$/.test(value) || seconds < 1)
    throw new Error(`--wait takes whole seconds (1 or more), not ${value}`);
  return seconds;
}

/** Create the target database when it does not exist yet, as `prisma migrate deploy` does. */
async function ensureDatabase(databaseUrl: string): Promise<void> {
  const { ensureDatabaseExists } = await import('@mirror/db/migrations');
  await ensureDatabaseExists(databaseUrl);
}
