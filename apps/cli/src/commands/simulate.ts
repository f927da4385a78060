import { writeFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { parseEnv } from '@mirror/config';
import type { Delivery } from '../simulator/effects';
import type { ExpectedSummary } from '../simulator/expected';
import { expectedSummary } from '../simulator/expected';
import { authHeaders } from '../simulator/http-sender';
import { isLoopback } from '../simulator/loopback';
import { createProgress } from '../simulator/progress';
import { runSimulation } from '../simulator/run-simulation';
import type { SimulationReport } from '../simulator/run-simulation';
import { generateTraffic } from '../simulator/traffic-model';

/** Hard limits, so that no mistyped flag turns the demo into an unbounded load. */
const LIMITS = { rate: 5_000, customers: 100_000, duration: 3_600, events: 1_000_000, concurrency: 256 };
/**
 * The longest dedupe window the simulator waits out to send a genuine repeat: each one holds its
 * customer's deliveries back that long.
 */
const MAX_REPEAT_HOLD_S = 30;

interface SimulateOptions {
  url?: string;
  basicAuth?: string;
  header: string[];
  rate: number;
  customers: number;
  duration: number;
  events?: number;
  seed: number;
  redeliveryRate: number;
  dedupeWindow?: number;
  runTag?: string;
  concurrency: number;
  timeout: number;
  allowRemote?: boolean;
  write?: string;
  expected?: string;
  json?: boolean;
}

const intIn = (min: number, max: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new InvalidArgumentError(`must be an integer from ${min} to ${max}`);
  return n;
};
const fraction = (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 0.5)
    throw new InvalidArgumentError('must be a number from 0 to 0.5');
  return n;
};
const collect = (value: string, previous: string[]) => [...previous, value];

/** `pnpm mirror simulate`: realistic Rehook traffic against an ingest, or into an NDJSON file. */
export function registerSimulate(program: Command): void {
  program
    .command('simulate')
    .description(
      'Send realistic Rehook webhooks (every event type, referral pairs, coupon lifecycles, credits and debits, ' +
        'redeliveries) to an ingest, then print what was sent and what the read models should now say.',
    )
    .option('--url <url>', 'ingest webhook URL (default: http://127.0.0.1:$INGEST_PORT$WEBHOOK_PATH)')
    .option('--basic-auth <user:password>', 'basic auth to send (default: $WEBHOOK_BASIC_AUTH)')
    .addOption(
      new Option('--header <Name=value>', 'extra header to send, repeatable')
        .argParser(collect)
        .default([], '$WEBHOOK_REQUIRED_HEADERS'),
    )
    .addOption(new Option('--rate <n>', 'deliveries per second').argParser(intIn(1, LIMITS.rate)).default(20))
    .addOption(
      new Option('--customers <n>', 'customers at most').argParser(intIn(1, LIMITS.customers)).default(50),
    )
    .addOption(
      new Option('--duration <seconds>', 'stop after this long')
        .argParser(intIn(1, LIMITS.duration))
        .default(30),
    )
    .addOption(
      new Option('--events <n>', 'deliveries in total (default: rate × duration)').argParser(
        intIn(1, LIMITS.events),
      ),
    )
    .addOption(
      new Option('--seed <n>', 'random seed; same seed, same traffic')
        .argParser(intIn(0, 2 ** 31))
        .default(1),
    )
    .addOption(
      new Option('--redelivery-rate <p>', 'share of steps that re-send an earlier body')
        .argParser(fraction)
        .default(0.05),
    )
    .addOption(
      new Option(
        '--dedupe-window <seconds>',
        "the ingest's WEBHOOK_DEDUPE_WINDOW_SECONDS; genuine repeats are sent when it is at most " +
          `${MAX_REPEAT_HOLD_S} s (default: $WEBHOOK_DEDUPE_WINDOW_SECONDS)`,
      ).argParser(intIn(0, 2 ** 31)),
    )
    .option('--run-tag <tag>', 'prefix of source ids and coupon codes (default: s<seed>)')
    .addOption(
      new Option('--concurrency <n>', 'requests in flight at once')
        .argParser(intIn(1, LIMITS.concurrency))
        .default(16),
    )
    .addOption(new Option('--timeout <ms>', 'per request').argParser(intIn(100, 120_000)).default(10_000))
    .option('--allow-remote', 'allow a URL that is not on this machine (loopback only by default)')
    .option(
      '--write <file>',
      'write the deliveries to an NDJSON file instead of sending them (for `mirror import`)',
    )
    .option('--expected <file>', 'write the expected read models (every customer) as JSON to this file')
    .option('--json', 'print the whole report, expected read models included, as JSON on stdout')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  pnpm mirror simulate --rate 50 --customers 100 --duration 60\n' +
        '  pnpm mirror simulate --events 5000 --write capture.ndjson && pnpm mirror import capture.ndjson\n' +
        '\nThe expected summary holds once the workers have processed everything (pnpm mirror stats: queue depth 0).\n' +
        'A body without an occurrence id (an order, a segment change) sent again within the dedupe window is a\n' +
        'redelivery, after it an event of its own. Genuine repeats (an identical second order, a segment entered\n' +
        'again) are sent only when the window is short enough to wait out, each after the window; a file\n' +
        '(--write) holds them only with a window of 0, since `mirror import` stamps every line at once.',
    )
    .action(async (options: SimulateOptions) => {
      const events = options.events ?? Math.min(options.rate * options.duration, LIMITS.events);
      const dedupeWindowSeconds = options.dedupeWindow ?? parseEnv(process.env).WEBHOOK_DEDUPE_WINDOW_SECONDS;
      const genuineRepeats =
        options.write !== undefined ? dedupeWindowSeconds === 0 : dedupeWindowSeconds <= MAX_REPEAT_HOLD_S;
      if (!genuineRepeats && !options.json) {
        process.stderr.write(
          `no genuine repeats: the dedupe window (${dedupeWindowSeconds} s) is longer than this run can wait ` +
            '(see --dedupe-window)\n',
        );
      }
      const traffic = generateTraffic({
        seed: options.seed,
        customers: options.customers,
        events,
        redeliveryRate: options.redeliveryRate,
        genuineRepeats,
        dedupeWindowSeconds,
        ...(options.runTag !== undefined ? { runTag: options.runTag } : {}),
      });
      if (options.write !== undefined) {
        const expected = await writeCapture(options.write, traffic);
        if (options.expected !== undefined)
          await writeFile(options.expected, JSON.stringify(expected, null, 2));
        if (options.json) console.log(JSON.stringify({ written: options.write, expected }, null, 2));
        else
          console.log(
            `wrote ${expected.deliveries} deliveries (${expected.distinctEvents} distinct) to ${options.write}`,
          );
        return;
      }

      const target = resolveTarget(options);
      const progress = createProgress(
        events,
        'simulate [{bar}] {value}/{total} | {failed} failed | {duration_formatted}',
        { failed: 0 },
      );
      const abort = new AbortController();
      const onSignal = () => abort.abort();
      process.once('SIGINT', onSignal);
      let report: SimulationReport;
      try {
        report = await runSimulation(traffic, {
          target,
          rate: options.rate,
          durationS: options.duration,
          concurrency: options.concurrency,
          dedupeWindowSeconds,
          signal: abort.signal,
          onProgress: (done, failed) => progress.update(done, { failed }),
        });
      } finally {
        progress.stop();
        process.off('SIGINT', onSignal);
      }
      if (options.expected !== undefined)
        await writeFile(options.expected, JSON.stringify(report.expected, null, 2));
      if (options.json) console.log(JSON.stringify({ url: target.url, ...report }, null, 2));
      else printReport(target.url, report);
      if (report.failed > 0) {
        throw new Error(`${report.failed} of ${report.started} deliveries were not acknowledged (see above)`);
      }
    });
}

function resolveTarget(options: SimulateOptions) {
  const env = parseEnv(process.env);
  const url = new URL(options.url ?? `http://127.0.0.1:${env.INGEST_PORT}${env.WEBHOOK_PATH}`);
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`--url must be http(s), not ${url.protocol}`);
  if (!options.allowRemote && !isLoopback(url.hostname)) {
    throw new Error(`--url ${url.host} is not on this machine; pass --allow-remote to load another host`);
  }
  return { url: url.toString(), headers: authHeaders(options, env), timeoutMs: options.timeout };
}

async function writeCapture(file: string, traffic: Iterable<Delivery>): Promise<ExpectedSummary> {
  const out = createWriteStream(file);
  const written: Delivery[] = [];
  for (const delivery of traffic) {
    written.push(delivery);
    if (!out.write(`${delivery.rawBody}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return expectedSummary(written);
}

function printReport(url: string, report: SimulationReport): void {
  const { expected: e } = report;
  const seconds = report.elapsedMs / 1000;
  const lines = [
    `sent ${report.started} deliveries to ${url} in ${seconds.toFixed(1)} s ` +
      `(${(report.started / Math.max(seconds, 0.001)).toFixed(1)}/s): ${report.acknowledged} acknowledged, ` +
      `${report.failed} failed, ${report.retries} retried`,
    '',
    'sent by event name:',
    ...Object.entries(report.sentByName)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, n]) => `  ${name.padEnd(40)} ${String(n).padStart(7)}`),
    '',
    'expected once the workers have caught up:',
    `  distinct events   ${e.distinctEvents} (${e.redeliveries} redeliveries, ${e.genuineRepeats} genuine repeats)`,
    `  customers         ${e.totals.customers}`,
    `  orders            ${e.totals.orders}, totalling ${e.totals.ordersTotal}`,
    `  wallets           credited ${e.totals.walletCredited}, debited ${e.totals.walletDebited}, balance ${e.totals.walletBalance}`,
    `  pending rewards   ${e.totals.pendingRewardPoints} points`,
    `  referrals         ${e.totals.referrals}`,
    `  coupons           ${e.totals.coupons} (${e.totals.couponsRedeemed} redeemed)`,
    '',
    'first customers (all of them with --json or --expected FILE):',
    ...e.customers
      .slice(0, 5)
      .map(
        (c) =>
          `  ${c.sourceId}: balance ${c.wallet.balance}, ${c.orders.count} orders (${c.orders.total}), ` +
          `pending ${c.wallet.pendingRewardPoints}, coupons ${c.coupons.map((x) => `${x.code}=${x.status}`).join(' ') || '-'}, ` +
          `segments ${c.segments.length}`,
      ),
  ];
  for (const failure of report.failures) {
    lines.push(
      `  failed #${failure.seq} ${failure.eventName}: ${failure.status ?? 'no answer'} ${failure.error}`,
    );
  }
  console.log(lines.join('\n'));
}
