// `pnpm bench` runs every registered benchmark; `pnpm bench <name> [options]` runs one.
// Register a benchmark by adding one line to BENCHMARKS: a module whose `run(args)` prints its
// figures and resolves when it has stopped everything it started and cleaned up after itself.

/** A benchmark module. */
export interface Benchmark {
  /** One line for `pnpm bench --help`. */
  description: string;
  run: (args: string[]) => Promise<void>;
}

const BENCHMARKS: Record<string, () => Promise<Benchmark>> = {
  ingest: () => import('./ingest').then((m) => m.benchmark),
  'ingest-instructions': () => import('./ingest-instructions').then((m) => m.benchmark),
  worker: () => import('./worker').then((m) => m.benchmark),
  rebuild: () => import('./rebuild').then((m) => m.benchmark),
  verify: () => import('./verify').then((m) => m.benchmark),
  api: () => import('./api').then((m) => m.benchmark),
  asof: () => import('./asof').then((m) => m.benchmark),
  'add-script': () => import('./add-script').then((m) => m.benchmark),
  'idempotency-key': () => import('./idempotency-key').then((m) => m.benchmark),
  stream: () => import('./stream').then((m) => m.benchmark),
  reconcile: () => import('./reconcile').then((m) => m.benchmark),
};

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  if (name === '--help' || name === '-h') {
    console.log('usage: pnpm bench [name [options]]\n');
    for (const [key, load] of Object.entries(BENCHMARKS))
      console.log(`  ${key.padEnd(20)} ${(await load()).description}`);
    return;
  }
  if (name !== undefined && !(name in BENCHMARKS)) {
    console.error(`unknown benchmark "${name}"; known: ${Object.keys(BENCHMARKS).join(', ')}`);
    process.exit(2);
  }
  const selected = name === undefined ? Object.keys(BENCHMARKS) : [name];
  for (const key of selected) {
    const load = BENCHMARKS[key] as () => Promise<Benchmark>;
    console.log(`\n=== bench ${key} ===`);
    await (await load()).run(name === undefined ? [] : args);
  }
}

main().then(
  () => process.exit(),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
