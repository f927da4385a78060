import type { AppProcess } from '../../support/app-process';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Options of {@link startRandomKills}. */
export interface RandomKillsOptions<T extends { process: AppProcess }> {
  /** Seed of the choices, so that a failing run can be replayed. */
  seed: number;
  /** The running members (workers, ingest replicas): the victim is taken out of it. */
  members: T[];
  /** Starts a replacement (which adds itself to `members`). */
  replace: () => Promise<unknown>;
}

/**
 * Every 1–3 s, takes a random member out of `members`, kills it with SIGKILL, waits for it to
 * exit and starts a replacement, until `stop` is called; `stop` resolves with the number of
 * kills once the last replacement has started.
 */
export function startRandomKills<T extends { process: AppProcess }>(
  options: RandomKillsOptions<T>,
): { stop: () => Promise<number> } {
  let seed = options.seed;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  let stopped = false;
  let kills = 0;
  const running = (async () => {
    while (!stopped) {
      await sleep(1000 + random() * 2000);
      if (stopped) break;
      const victim = options.members.splice(Math.floor(random() * options.members.length), 1)[0];
      if (victim === undefined) continue;
      victim.process.kill('SIGKILL');
      await victim.process.exited;
      kills++;
      await options.replace();
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await running;
      return kills;
    },
  };
}
