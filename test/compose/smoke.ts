// `pnpm test:compose`: the README's Docker path, for real, on a fresh copy of this checkout.
//
// Runs the commands of the README's `smoke:` blocks (test/compose/readme-commands.ts) with its
// own compose project name, image tag and free host ports (written to the copy's `.env`, as a
// user would; `127.0.0.1:3000` and `:3001` in the commands become those ports), and checks what
// each step must give: the webhook read back, the test ping stored as invalid, every customer of
// the simulator as it says it sent them, three workers all consuming with nothing else
// recreated, a clean stop (exit 0), the data kept across down and up. `down -v` runs at the end
// whatever happened. Prints each step's duration. Needs Docker with compose v2; on these
// machines `../shared/tools/docker-here.sh` provides them (run here when Docker is missing).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import { freePorts } from '../support/free-ports';
import type { ExpectedCustomer, ExpectedSummary } from '../../apps/cli/src/simulator/expected';
import { asExpected, type CustomerDocument } from '../ops/support/customer-document';
import { readSmokeCommands } from './readme-commands';

const ROOT = join(__dirname, '..', '..');
const DOCKER_HERE = join(ROOT, '..', 'shared', 'tools', 'docker-here.sh');
/** The README's local token (compose's default API_TOKEN). */
const API_TOKEN = 'local-dev-token-change-me';
/** The README's example customer and the Rehook id its webhook carries. */
const README_CUSTOMER = { sourceId: 'New_customer20', rehookCustomerId: 'cust_rQgkYNzPVgye5RKUy9l30' };
/** Bounds with the slack of a loaded 2-core machine (a first build takes minutes). */
const COMMAND_TIMEOUT_MS = 20 * 60_000;
const SETTLE_TIMEOUT_MS = 5 * 60_000;

class SmokeFailure extends Error {}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new SmokeFailure(message);
}

const durations: { step: string; seconds: number; ok: boolean }[] = [];

/** Runs one step, printing its duration whatever happens. */
async function step<T>(name: string, run: () => T | Promise<T>): Promise<T> {
  console.log(`--> ${name}`);
  const started = performance.now();
  let ok = false;
  try {
    const result = await run();
    ok = true;
    return result;
  } finally {
    const seconds = Math.round((performance.now() - started) / 100) / 10;
    durations.push({ step: name, seconds, ok });
    console.log(`<-- ${name}: ${seconds} s${ok ? '' : ' (FAILED)'}`);
  }
}

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command line with bash in `cwd`; throws with its output when it fails (unless allowed). */
function sh(command: string, cwd: string, options: { allowFailure?: boolean; quiet?: boolean } = {}): Ran {
  const started = performance.now();
  const result = spawnSync('bash', ['-c', command], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: COMMAND_TIMEOUT_MS,
    maxBuffer: 256 * 1024 * 1024,
  });
  const ran = { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
  if (!options.quiet)
    console.log(`    $ ${command}  [${((performance.now() - started) / 1000).toFixed(1)} s]`);
  if (ran.status !== 0 && !options.allowFailure) {
    throw new SmokeFailure(
      `\`${command}\` exited ${ran.status ?? `by ${result.signal ?? result.error?.message}`}\n` +
        `${ran.stdout.slice(-4000)}\n${ran.stderr.slice(-4000)}`,
    );
  }
  return ran;
}

/** Copies the checkout's files (tracked and new, not ignored ones), as a fresh clone has them. */
function freshCopy(): string {
  const copy = mkdtempSync(join(tmpdir(), 'mirror-compose-smoke-'));
  const files = sh('git ls-files -z --cached --others --exclude-standard', ROOT, { quiet: true })
    .stdout.split('\0')
    .filter((file) => file !== '' && existsSync(join(ROOT, file)));
  for (const file of files) {
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    copyFileSync(join(ROOT, file), join(copy, file));
  }
  return copy;
}

async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `probe` until it answers something other than undefined, or fails after the timeout. */
async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = SETTLE_TIMEOUT_MS,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      const why = last instanceof Error ? ` (${last.message})` : '';
      throw new SmokeFailure(`${what}: not within ${timeoutMs / 1000} s${why}`);
    }
    await sleep(1_000);
  }
}

interface Container {
  ID: string;
  Service: string;
  State: string;
  ExitCode: number;
}

async function main(): Promise<void> {
  const commands = readSmokeCommands(ROOT);
  const [ingestPort, apiPort, postgresPort, redisPort] = await freePorts(4);
  const tag = `smoke-${randomBytes(4).toString('hex')}`;
  const project = `mirror-${tag}`;
  const api = `http://127.0.0.1:${apiPort}`;
  /** A README command as run here: the ports moved to this run's. */
  const local = (command: string) =>
    command
      .replaceAll('127.0.0.1:3000', `127.0.0.1:${ingestPort}`)
      .replaceAll('127.0.0.1:3001', api.slice(7));
  const headers = { authorization: `Bearer ${API_TOKEN}` };
  const getJson = async <T>(path: string): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${api}${path}`, { headers });
    return { status: response.status, body: (await response.json()) as T };
  };

  await step('docker is there', () => {
    const ready = () =>
      sh('docker info >/dev/null && docker compose version', ROOT, { allowFailure: true, quiet: true })
        .status === 0;
    if (ready()) return;
    check(
      existsSync(DOCKER_HERE),
      'no working Docker with compose v2, and no ../shared/tools/docker-here.sh',
    );
    sh(`bash ${DOCKER_HERE}`, ROOT);
    check(ready(), 'docker-here.sh ran, and Docker still does not answer');
  });

  const copy = await step('fresh copy of the checkout', () => {
    const dir = freshCopy();
    // What a user puts in .env when the default ports are taken; the project name and image tag
    // keep this run apart from any other stack on the machine.
    writeFileSync(
      join(dir, '.env'),
      [
        `COMPOSE_PROJECT_NAME=${project}`,
        `MIRROR_IMAGE_TAG=${tag}`,
        `INGEST_HOST_PORT=${ingestPort}`,
        `API_HOST_PORT=${apiPort}`,
        `POSTGRES_HOST_PORT=${postgresPort}`,
        `REDIS_HOST_PORT=${redisPort}`,
        '',
      ].join('\n'),
    );
    console.log(`    ${dir} (project ${project}, ingest ${ingestPort}, api ${apiPort})`);
    return dir;
  });
  const run = (command: string, options: { allowFailure?: boolean } = {}) =>
    sh(local(command), copy, options);
  const containers = (): Container[] =>
    sh('docker compose ps -a --format json', copy, { quiet: true })
      .stdout.split('\n')
      .filter((line) => line.trim() !== '')
      .flatMap((line) => JSON.parse(line) as Container | Container[]);

  try {
    await step('up: build and start, wait until healthy (README)', () => {
      for (const command of commands.up) run(command);
      const byService = containers()
        .map((c) => `${c.Service}:${c.State}`)
        .sort();
      check(
        isDeepStrictEqual(byService, [
          'api:running',
          'ingest:running',
          'migrate:exited',
          'postgres:running',
          'redis:running',
          'worker:running',
        ]),
        `unexpected containers after up: ${byService.join(' ')}`,
      );
      const images = sh(`docker images -q rehook-mirror:${tag}`, copy, { quiet: true })
        .stdout.trim()
        .split('\n');
      check(
        images.length === 1 && images[0] !== '',
        `expected one image rehook-mirror:${tag}, got ${images.join(',')}`,
      );
    });

    await step("the README's webhook, read back through the API (README)", () => {
      for (const command of commands.webhook) {
        const out = run(command).stdout;
        check(/^HTTP\/1\.1 200 /m.test(out), `the webhook was not answered 200:\n${out}`);
      }
      let document: CustomerDocument | undefined;
      for (const command of commands.read) document = JSON.parse(run(command).stdout) as CustomerDocument;
      check(
        document?.sourceId === README_CUSTOMER.sourceId &&
          document.rehookCustomerId === README_CUSTOMER.rehookCustomerId,
        `unexpected customer document ${JSON.stringify(document)}`,
      );
    });

    await step('a test ping (empty body): 200, stored as invalid with its reason (README)', async () => {
      for (const command of commands['test-ping']) {
        const out = run(command).stdout;
        check(/^HTTP\/1\.1 200 /m.test(out), `the empty body was not answered 200:\n${out}`);
      }
      await waitFor('the test ping in /v1/events?status=invalid', async () => {
        const { body } = await getJson<{ items: { reason: string | null }[] }>('/v1/events?status=invalid');
        return body.items.some((item) => item.reason === 'empty body (test ping?)') ? true : undefined;
      });
    });

    /** Waits until the queue is empty, then compares every customer the simulator names. */
    const compareCustomers = async (expected: ExpectedCustomer[]) => {
      await waitFor('an empty queue', async () => {
        const { body } = await getJson<{ queue: { counts: Record<string, number> } | null }>('/v1/stats');
        const counts = body.queue?.counts;
        check(counts !== undefined, 'no queue counts in /v1/stats');
        check(counts['failed'] === 0, `jobs failed: ${JSON.stringify(counts)}`);
        return ['waiting', 'active', 'delayed', 'prioritized'].every((state) => counts[state] === 0)
          ? true
          : undefined;
      });
      const wrong: string[] = [];
      for (const customer of expected) {
        const { status, body } = await getJson<CustomerDocument>(
          `/v1/customers/${encodeURIComponent(customer.sourceId)}`,
        );
        if (status !== 200 || !isDeepStrictEqual(asExpected(body), customer)) {
          wrong.push(
            `${customer.sourceId}: ${status} ${JSON.stringify(body)} expected ${JSON.stringify(customer)}`,
          );
        }
      }
      check(
        wrong.length === 0,
        `${wrong.length} of ${expected.length} customers differ:\n${wrong.slice(0, 3).join('\n')}`,
      );
    };
    /** The simulator's report: `--json` appended so that this test can read what it sent. */
    const simulate = (command: string) => {
      const report = JSON.parse(run(`${command} --json`).stdout) as {
        started: number;
        acknowledged: number;
        failed: number;
        expected: ExpectedSummary;
      };
      check(
        report.failed === 0 && report.acknowledged === report.started,
        `simulator: ${report.failed} failed`,
      );
      return report.expected;
    };

    const firstRun = await step(
      "the simulator's expected summaries against every customer (README)",
      async () => {
        const [simulateCommand, ...rest] = commands.simulate;
        check(
          simulateCommand?.includes('mirror simulate') === true,
          'the simulate block must start with the simulator',
        );
        const expected = simulate(simulateCommand);
        check(expected.customers.length > 0, 'the simulator sent nothing');
        await compareCustomers(expected.customers);
        for (const command of rest) run(command);
        console.log(
          `    ${expected.customers.length} customers, ${expected.distinctEvents} distinct events: all equal`,
        );
        return expected;
      },
    );

    await step('scale to three workers, all consuming, nothing else recreated (README)', async () => {
      const before = containers();
      for (const command of commands.scale) run(command);
      const after = containers();
      const workers = after.filter((c) => c.Service === 'worker');
      check(
        workers.length === 3 && workers.every((c) => c.State === 'running'),
        `workers: ${JSON.stringify(workers)}`,
      );
      for (const c of before) {
        check(
          after.some((a) => a.ID === c.ID && a.State === c.State),
          `${c.Service} (${c.ID}) was recreated or changed state`,
        );
      }
      // Traffic for the three of them (another seed: other customers), then each one's count.
      const expected = simulate(
        'docker compose exec ingest pnpm mirror simulate --rate 50 --customers 20 --duration 10 --seed 2',
      );
      await compareCustomers(expected.customers);
      for (let index = 1; index <= 3; index++) {
        const metrics = run(
          `docker compose exec --index ${index} worker node -e "fetch('http://127.0.0.1:3002/metrics').then(r => r.text()).then(console.log)"`,
        ).stdout;
        const processed = [
          ...metrics.matchAll(/^mirror_worker_jobs_processed_total\{[^}]*\} (\d+)/gm),
        ].reduce((sum, m) => sum + Number(m[1]), 0);
        console.log(`    worker ${index}: ${processed} jobs processed`);
        check(processed > 0, `worker ${index} processed no job`);
      }
    });

    await step('stop (every app exits 0), down, up: the data is kept (README)', async () => {
      const [stop, ...others] = commands.restart;
      check(stop?.includes('compose stop') === true, 'the restart block must start with docker compose stop');
      run(stop);
      const exits = containers()
        .filter((c) => !['postgres', 'redis'].includes(c.Service))
        .map((c) => `${c.Service}:${c.State}:${c.ExitCode}`);
      check(
        exits.every((e) => e.endsWith(':exited:0')),
        `not every app exited 0 after stop: ${exits.join(' ')}`,
      );
      for (const command of others) run(command);
      // Retried: this process's pooled keep-alive connection to the old API container is dead
      // (EPIPE on the first write), and fetch does not retry by itself.
      const { status, body } = await waitFor('the API after up', () =>
        getJson<CustomerDocument>(`/v1/customers/${README_CUSTOMER.sourceId}`),
      );
      check(
        status === 200 && body.rehookCustomerId === README_CUSTOMER.rehookCustomerId,
        'the README customer is gone',
      );
      await compareCustomers(firstRun.customers);
    });
  } finally {
    await step('down -v, whatever happened (README)', () => {
      for (const command of commands.remove) run(command, { allowFailure: true });
      sh(`docker image rm rehook-mirror:${tag}`, copy, { allowFailure: true });
      rmSync(copy, { recursive: true, force: true });
    });
  }
}

main()
  .catch((error: unknown) => {
    console.error(error instanceof SmokeFailure ? `FAILED: ${error.message}` : error);
    process.exitCode = 1;
  })
  .finally(() => {
    console.log('\nstep durations:');
    for (const d of durations)
      console.log(`  ${d.seconds.toFixed(1).padStart(7)} s  ${d.ok ? 'ok    ' : 'FAILED'}  ${d.step}`);
    const total = durations.reduce((sum, d) => sum + d.seconds, 0);
    console.log(`  ${total.toFixed(1).padStart(7)} s  total`);
  });
