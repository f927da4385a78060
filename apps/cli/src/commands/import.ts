import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { parseEnv } from '@mirror/config';
import { buildWebhookJob, enqueueWebhook, parseWebhookBody, ReceiptClock } from '@mirror/queue';
import type { EnqueueOutcome, JsonObject, WebhookJobData, WebhookQueue } from '@mirror/queue';
import { authHeaders, postWebhook } from '../simulator/http-sender';
import { createProgress } from '../simulator/progress';
import { jobsOfExportedEvent, looksLikeExportedEvent } from './event-meta';
import { withQueue } from './stats';

/** What became of one line: in the mirror now (new or already known), or not, and why. */
export type LineOutcome =
  { outcome: 'accepted' } | { outcome: 'duplicate' } | { outcome: 'failed'; reason: string };

/**
 * Where imported lines go: the webhook queue directly, or an ingest over HTTP. `deliver` takes a
 * webhook body, which gets its identity now, as a live delivery would; `replay` takes the jobs
 * of an `export --with-meta` line, whose identity the source's ingest decided (only the queue
 * can take them: over HTTP the ingest would decide again).
 */
export interface DeliverySink {
  deliver: (rawBody: string, body: JsonObject) => Promise<LineOutcome>;
  replay?: (jobs: WebhookJobData[]) => Promise<LineOutcome>;
}

/** A line that was not imported. */
export interface LineProblem {
  line: number;
  reason: string;
}

/** The account of one import. */
export interface ImportReport {
  /** Lines read, blank ones included. */
  lines: number;
  /** Empty or whitespace-only lines (skipped: they carry no body). */
  blank: number;
  accepted: number;
  /** Bodies the queue already held (a repeated line, or an import run twice). */
  duplicates: number;
  /** Lines that are not a JSON object, or are over the body limit: never sent. */
  rejected: number;
  /** Bodies the queue or ingest did not accept (Redis down, 5xx…). */
  failed: number;
  /** Rejected and failed lines, the first {@link MAX_LISTED} of them. */
  problems: LineProblem[];
}

/** How many problem lines a report lists; all are counted. */
export const MAX_LISTED = 100;

/** Options of {@link importNdjson}. */
export interface ImportOptions {
  /** Lines over this many bytes are rejected, as the ingest answers 413 (WEBHOOK_MAX_BODY_BYTES). */
  maxBodyBytes: number;
  /** Bodies in flight at once. */
  concurrency: number;
  /** Called for each rejected or failed line as it happens. */
  onProblem?: (problem: LineProblem) => void;
  /** Called after each line with the bytes read so far. */
  onProgress?: (bytes: number, report: ImportReport) => void;
}

/**
 * Reads NDJSON webhook bodies line by line (the file is never held in memory) and hands each to
 * `sink`, in file order, at most `concurrency` at a time. Every line that is not imported is
 * counted and reported with its line number.
 */
export async function importNdjson(
  input: Readable,
  sink: DeliverySink,
  options: ImportOptions,
): Promise<ImportReport> {
  const report: ImportReport = {
    lines: 0,
    blank: 0,
    accepted: 0,
    duplicates: 0,
    rejected: 0,
    failed: 0,
    problems: [],
  };
  const problem = (line: number, reason: string) => {
    if (report.problems.length < MAX_LISTED) report.problems.push({ line, reason });
    options.onProblem?.({ line, reason });
  };
  const inFlight = new Set<Promise<void>>();
  let bytes = 0;
  const lines = createInterface({ input, crlfDelay: Infinity });
  for await (const text of lines) {
    const lineNo = ++report.lines;
    bytes += Buffer.byteLength(text) + 1;
    // A capture saved on Windows or with a BOM is still the same bodies.
    const rawBody = (lineNo === 1 ? text.replace(/^\uFEFF/, '') : text).replace(/\r$/, '');
    if (rawBody.trim() === '') {
      report.blank++;
      continue;
    }
    if (Buffer.byteLength(rawBody) > options.maxBodyBytes) {
      report.rejected++;
      problem(lineNo, `body over the ${options.maxBodyBytes}-byte limit (WEBHOOK_MAX_BODY_BYTES)`);
      continue;
    }
    const parsed = parseWebhookBody(rawBody);
    if (!parsed.ok) {
      report.rejected++;
      problem(lineNo, parsed.reason === 'not-json' ? `not JSON (${parsed.detail})` : parsed.detail);
      continue;
    }
    let delivered: Promise<LineOutcome>;
    if (looksLikeExportedEvent(parsed.body)) {
      const replayed = jobsOfExportedEvent(parsed.body);
      if (!replayed.ok || sink.replay === undefined) {
        report.rejected++;
        problem(
          lineNo,
          replayed.ok
            ? 'an `export --with-meta` line is replayed through the queue, not --url'
            : `not an exported event: ${replayed.reason}`,
        );
        continue;
      }
      delivered = sink.replay(replayed.jobs);
    } else {
      delivered = sink.deliver(rawBody, parsed.body);
    }
    const task = delivered.then(
      (result) => {
        if (result.outcome === 'accepted') report.accepted++;
        else if (result.outcome === 'duplicate') report.duplicates++;
        else {
          report.failed++;
          problem(lineNo, result.reason);
        }
      },
      (error: unknown) => {
        report.failed++;
        problem(lineNo, error instanceof Error ? error.message : String(error));
      },
    );
    inFlight.add(task);
    void task.finally(() => inFlight.delete(task));
    if (inFlight.size >= options.concurrency) await Promise.race(inFlight);
    options.onProgress?.(bytes, report);
  }
  await Promise.all(inFlight);
  options.onProgress?.(bytes, report);
  return report;
}

/**
 * The live path without HTTP: the same body check, identity, receipt stamp and enqueue as the
 * ingest (packages/queue). Stamps are taken in file order, so the file's order is the receipt
 * order that last-writer-wins read models follow. An `export --with-meta` line is replayed with
 * the key, stamps and deliveries it was exported with: its event's first delivery, then each
 * redelivery, as decided jobs (no identity marker claimed).
 */
export function queueSink(queue: WebhookQueue, timeoutMs: number): DeliverySink {
  const clock = new ReceiptClock();
  return {
    deliver: async (rawBody, body) =>
      lineOutcome(await enqueueWebhook(queue, buildWebhookJob({ rawBody, body }, clock), timeoutMs)),
    replay: async (jobs) => {
      const outcomes: LineOutcome[] = [];
      for (const job of jobs) {
        outcomes.push(lineOutcome(await enqueueWebhook(queue, job, timeoutMs, { decided: true })));
      }
      // The line's outcome is its event's (the first job's), unless any job failed.
      return outcomes.find((o) => o.outcome === 'failed') ?? outcomes[0] ?? { outcome: 'duplicate' };
    },
  };
}

function lineOutcome(result: EnqueueOutcome): LineOutcome {
  {
    switch (result.outcome) {
      case 'enqueued':
        return { outcome: 'accepted' };
      case 'duplicate':
        return { outcome: 'duplicate' };
      case 'timeout':
        return { outcome: 'failed', reason: `Redis did not accept the job within ${result.timeoutMs} ms` };
      case 'failed':
        return { outcome: 'failed', reason: `Redis refused the job: ${result.error.message}` };
      default: {
        const unhandled: never = result;
        throw new Error(`unexpected enqueue outcome ${JSON.stringify(unhandled)}`);
      }
    }
  }
}

/**
 * Through a running ingest, exactly as Rehook delivers (auth included). The ingest answers 200
 * for new and repeated bodies alike, so duplicates are not told apart here.
 */
export function httpSink(url: string, headers: Record<string, string>, timeoutMs: number): DeliverySink {
  return {
    deliver: async (rawBody) => {
      const result = await postWebhook({ url, headers, timeoutMs }, rawBody);
      return result.ok
        ? { outcome: 'accepted' }
        : { outcome: 'failed', reason: `${url} answered ${result.status ?? 'nothing'}: ${result.error}` };
    },
  };
}

/**
 * Waits until no job is waiting, active or delayed, so that the import's events are in the
 * event store when this returns. Fails after `timeoutMs` (is a worker running?).
 */
export async function waitForDrain(queue: WebhookQueue, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = await queue.queue.getJobCounts(
      'waiting',
      'active',
      'delayed',
      'prioritized',
      'waiting-children',
    );
    const depth = Object.values(counts).reduce((sum, n) => sum + n, 0);
    if (depth === 0) return;
    if (Date.now() > deadline) {
      throw new Error(
        `${depth} jobs still queued after ${timeoutMs / 1000} s: is a worker running (pnpm start:worker)?`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const positiveInt = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number above 0');
  return n;
};

interface ImportCliOptions {
  url?: string;
  basicAuth?: string;
  header: string[];
  concurrency: number;
  timeout: number;
  wait?: boolean;
  waitTimeout: number;
  progress: boolean;
}

/** `pnpm mirror import FILE`. */
export function registerImport(program: Command): void {
  program
    .command('import')
    .argument('<file>', 'NDJSON file, one webhook body (or `export --with-meta` line) per line; - for stdin')
    .description(
      'Push webhook bodies (NDJSON, one per line) through the same path as live deliveries: the body check, ' +
        'idempotency key, receipt stamp and queue of the ingest. Backfills history or replays a capture; ' +
        'bodies the mirror already has count once.',
    )
    .option('--url <url>', 'POST each body to this ingest URL instead of enqueueing directly')
    .option('--basic-auth <user:password>', 'with --url: basic auth (default: $WEBHOOK_BASIC_AUTH)')
    .addOption(
      new Option('--header <Name=value>', 'with --url: extra header, repeatable')
        .argParser((value: string, previous: string[]) => [...previous, value])
        .default([], '$WEBHOOK_REQUIRED_HEADERS'),
    )
    .addOption(new Option('--concurrency <n>', 'bodies in flight at once').argParser(positiveInt).default(64))
    .addOption(new Option('--timeout <ms>', 'per body').argParser(positiveInt).default(10_000))
    .option('--wait', 'after enqueueing, wait until the workers have processed the queue')
    .addOption(new Option('--wait-timeout <s>', 'with --wait').argParser(positiveInt).default(600))
    .option('--no-progress', 'no progress bar (it is shown only on a terminal anyway)')
    .addHelpText(
      'after',
      '\nA line of `mirror export --with-meta` is replayed as its source decided it: the same key, receipt\n' +
        'stamp and deliveries (redeliveries included), so an empty store gets the same events and read models.\n' +
        'Any other line is stamped as received now, in file order. Blank lines are skipped; a line that is not a\n' +
        'JSON object or is over WEBHOOK_MAX_BODY_BYTES is reported with its number, and the command then\n' +
        'exits 1 (the other lines are imported). Needs REDIS_URL and QUEUE_PREFIX (or --url).\n\n' +
        'Example: pnpm mirror export --out backup.ndjson && pnpm mirror import backup.ndjson --wait',
    )
    .action(async (file: string, options: ImportCliOptions) => {
      const env = parseEnv(process.env);
      const size = file === '-' ? 0 : (await stat(file)).size;
      const input = file === '-' ? process.stdin : createReadStream(file);
      const bar = createProgress(
        size,
        size > 0
          ? 'import [{bar}] {percentage}% | {lines} lines | {problems} problems | {eta_formatted}'
          : 'import {lines} lines | {problems} problems',
        { lines: 0, problems: 0 },
        options.progress && process.stderr.isTTY === true,
      );
      let printed = 0;
      const importOptions: ImportOptions = {
        maxBodyBytes: env.WEBHOOK_MAX_BODY_BYTES,
        concurrency: options.concurrency,
        onProblem: (p) => {
          if (printed++ < MAX_LISTED) process.stderr.write(`line ${p.line}: ${p.reason}\n`);
        },
        onProgress: (bytes, r) =>
          bar.update(size > 0 ? bytes : r.lines, { lines: r.lines, problems: r.rejected + r.failed }),
      };
      let report: ImportReport;
      if (options.url !== undefined) {
        report = await importNdjson(
          input,
          httpSink(options.url, authHeaders(options, env), options.timeout),
          importOptions,
        );
        bar.stop();
      } else {
        report = await withQueue(env, async ({ queue }) => {
          const result = await importNdjson(input, queueSink(queue, options.timeout), importOptions);
          bar.stop();
          if (options.wait) await waitForDrain(queue, options.waitTimeout * 1000);
          return result;
        });
      }
      const problems = report.rejected + report.failed;
      console.log(
        `read ${report.lines} lines: ${report.accepted} accepted, ${report.duplicates} already queued, ` +
          `${report.blank} blank, ${report.rejected} rejected, ${report.failed} failed`,
      );
      if (problems > MAX_LISTED)
        process.stderr.write(`(${problems - MAX_LISTED} more problem lines not listed)\n`);
      if (problems > 0)
        throw new Error(`${problems} of ${report.lines} lines were not imported (line numbers above)`);
    });
}
