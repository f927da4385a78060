import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { parseEnv } from '@mirror/config';
import { EventStatus } from '@mirror/db';
import type { PrismaClient } from '@mirror/db';
import { eventBatchesInReceiptOrder, type EventOrigin, type StoredEvent } from '@mirror/event-store';
import { deliveriesOfEvents, exportedEvent, type ExportedDelivery } from './event-meta';
import { withPrisma } from './stats';

/** What `export` can filter on. */
export interface ReadOptions {
  /** Rows per query. @defaultValue 1000 */
  batchSize?: number;
  /** Only events with this status. */
  status?: EventStatus;
  /** Only events with this origin. */
  origin?: EventOrigin;
}

/**
 * The event store in receipt order, through the event store's own keyset-paginated reader (the
 * one a rebuild uses), so memory stays flat whatever its size; with `withMeta`, each batch's
 * deliveries too. Filters apply as events stream by: an export reads the whole store anyway.
 */
async function* exportedEvents(
  prisma: PrismaClient,
  options: ReadOptions & { withMeta?: boolean },
): AsyncGenerator<{ event: StoredEvent; deliveries: ExportedDelivery[] }> {
  for await (const batch of eventBatchesInReceiptOrder(prisma, options.batchSize ?? 1000)) {
    const selected = batch.filter(
      (event) =>
        (options.status === undefined || event.status === options.status) &&
        (options.origin === undefined || event.origin === options.origin),
    );
    const deliveries = options.withMeta
      ? await deliveriesOfEvents(
          prisma,
          selected.map((event) => event.idempotencyKey),
        )
      : new Map<string, ExportedDelivery[]>();
    for (const event of selected) yield { event, deliveries: deliveries.get(event.idempotencyKey) ?? [] };
  }
}

/**
 * One NDJSON line for an event. With meta: the event as stored with its deliveries (see
 * `ExportedEvent`), which `import` replays as the ingest decided them. Without: the raw body
 * exactly as stored, unless it spans lines (a pretty-printed delivery), which NDJSON cannot
 * hold: then its compact re-serialization, which has the same canonical JSON.
 */
export function eventLine(
  event: StoredEvent,
  withMeta: boolean,
  deliveries: ExportedDelivery[] = [],
): { line: string; reformatted: boolean } {
  if (withMeta) return { line: JSON.stringify(exportedEvent(event, deliveries)), reformatted: false };
  if (!/[\r\n]/.test(event.rawBody)) return { line: event.rawBody, reformatted: false };
  return { line: JSON.stringify(JSON.parse(event.rawBody)), reformatted: true };
}

/** What an export wrote. */
export interface ExportReport {
  events: number;
  /** Multi-line bodies written compactly (see {@link eventLine}). */
  reformatted: number;
}

/** Streams the event store to `out` as NDJSON, honouring backpressure. Does not end `out`. */
export async function exportEvents(
  prisma: PrismaClient,
  out: Writable,
  options: ReadOptions & { withMeta?: boolean } = {},
): Promise<ExportReport> {
  const report: ExportReport = { events: 0, reformatted: 0 };
  for await (const { event, deliveries } of exportedEvents(prisma, options)) {
    const { line, reformatted } = eventLine(event, options.withMeta ?? false, deliveries);
    report.events++;
    if (reformatted) report.reformatted++;
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  }
  return report;
}

const STATUSES = Object.values(EventStatus) as string[];

interface ExportCliOptions {
  out?: string;
  withMeta?: boolean;
  includeInternal?: boolean;
  status?: EventStatus;
  batchSize: number;
}

/** `pnpm mirror export`. */
export function registerExport(program: Command): void {
  program
    .command('export')
    .description(
      'Write the event store as NDJSON in receipt order: one webhook body per line, exactly as received ' +
        '(what `mirror import` reads), or with --with-meta one object per event with its key, stamp and status.',
    )
    .option('--out <file>', 'write to this file instead of stdout')
    .option(
      '--with-meta',
      'wrap each body with idempotencyKey, receiptStamp, receivedAt, name, status, reason, origin and ' +
        'its deliveries: what `mirror import` needs to rebuild the same store',
    )
    .option(
      '--include-internal',
      "also the mirror's own events (reward fulfilments), which only an import of --with-meta lines replays; always with --with-meta",
    )
    .addOption(new Option('--status <status>', 'only events with this status').choices(STATUSES))
    .addOption(
      new Option('--batch-size <n>', 'rows per query')
        .argParser((value) => {
          const n = Number(value);
          if (!Number.isInteger(n) || n < 1 || n > 100_000)
            throw new InvalidArgumentError('must be 1 to 100000');
          return n;
        })
        .default(1000),
    )
    .addHelpText(
      'after',
      '\nReads DATABASE_URL. Events stored while the export runs may or may not be in it; for a\n' +
        'consistent backup of a running system use pg_dump (see the README).\n\n' +
        'Example: pnpm mirror export --out events.ndjson',
    )
    .action(async (options: ExportCliOptions) => {
      const env = parseEnv(process.env);
      await withPrisma(env, async (prisma) => {
        let out: Writable = process.stdout;
        if (options.out !== undefined) {
          out = createWriteStream(options.out);
          // Fail before reading anything when the file cannot be created.
          await once(out, 'open').catch((error: Error) => {
            throw new Error(`cannot write ${options.out}: ${error.message}`);
          });
        }
        // `mirror export | head` closes the pipe early: the reader's choice, not a failure.
        let outError: NodeJS.ErrnoException | undefined;
        out.on('error', (error: NodeJS.ErrnoException) => (outError ??= error));
        const report = await exportEvents(prisma, out, {
          withMeta: options.withMeta ?? false,
          batchSize: options.batchSize,
          ...(options.status !== undefined ? { status: options.status } : {}),
          // Without meta the output is webhook bodies for `import`; the mirror's own events would
          // not be read as such through the webhook path (a webhook cannot forge one).
          ...(options.withMeta || options.includeInternal ? {} : { origin: 'webhook' as const }),
        }).catch((error: unknown) => {
          if (outError?.code === 'EPIPE') return null;
          throw outError ?? error;
        });
        if (options.out !== undefined) {
          out.end();
          await once(out, 'finish');
        }
        if (report !== null) {
          process.stderr.write(
            `exported ${report.events} events${options.out !== undefined ? ` to ${options.out}` : ''}` +
              (report.reformatted > 0
                ? ` (${report.reformatted} multi-line bodies written on one line)`
                : '') +
              '\n',
          );
        }
      });
    });
}
