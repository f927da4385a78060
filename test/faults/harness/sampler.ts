import type { Stack } from './stack';

/** One observation during a soak. */
export interface Sample {
  atS: number;
  /** Resident memory of the ingest and of the first worker, MiB. */
  ingestRssMiB: number | null;
  workerRssMiB: number | null;
  /** Jobs waiting, active or delayed. */
  queueDepth: number | null;
}

/** The value of an unlabelled metric on a Prometheus endpoint, or null if it cannot be read. */
export async function readMetric(metricsUrl: string, metric: string): Promise<number | null> {
  try {
    const text = await (await fetch(metricsUrl, { signal: AbortSignal.timeout(2000) })).text();
    const line = text.split('\n').find((l) => l.startsWith(`${metric} `));
    return line === undefined ? null : Number(line.split(' ')[1]);
  } catch {
    return null;
  }
}

async function rssMiB(metricsUrl: string, metric: string): Promise<number | null> {
  const bytes = await readMetric(metricsUrl, metric);
  return bytes === null ? null : Math.round(bytes / 1024 / 1024);
}

/** Samples memory and queue depth every `everyMs` until `stop()`; returns the samples. */
export function startSampler(stack: Stack, everyMs: number): { stop: () => Promise<Sample[]> } {
  const samples: Sample[] = [];
  const started = Date.now();
  let running = true;
  const loop = (async () => {
    while (running) {
      const counts = await stack.queue.getJobCounts('waiting', 'active', 'delayed').catch(() => null);
      const worker = stack.workers[0];
      samples.push({
        atS: Math.round((Date.now() - started) / 1000),
        ingestRssMiB: await rssMiB(`${stack.ingestUrl}/metrics`, 'process_resident_memory_bytes'),
        workerRssMiB:
          worker === undefined
            ? null
            : await rssMiB(worker.metricsUrl, 'mirror_worker_process_resident_memory_bytes'),
        queueDepth: counts === null ? null : Object.values(counts).reduce((a, b) => a + b, 0),
      });
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return samples;
    },
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/**
 * Growth that does not level off: after a warm-up (the first fifth), the median of the last
 * third of the samples is compared with the median of the third before it. Growth of more than
 * `allowedRatio` and more than `allowedAbsolute` counts as unbounded.
 */
export function growth(
  values: (number | null)[],
  allowedRatio: number,
  allowedAbsolute: number,
): { middle: number; last: number; levelsOff: boolean } {
  const known = values.filter((v): v is number => v !== null);
  const steady = known.slice(Math.floor(known.length / 5));
  const third = Math.max(1, Math.floor(steady.length / 3));
  const middle = median(steady.slice(third, 2 * third));
  const last = median(steady.slice(-third));
  const levelsOff = last <= middle * (1 + allowedRatio) || last - middle <= allowedAbsolute;
  return { middle, last, levelsOff };
}
