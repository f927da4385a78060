import { Presets, SingleBar } from 'cli-progress';

/** A progress display on stderr; silent when stderr is not a terminal (CI, pipes, tests). */
export interface Progress {
  update(value: number, payload?: Record<string, string | number>): void;
  stop(): void;
}

/**
 * A cli-progress bar on stderr. `total` 0 means unknown (stdin): the bar then shows counts only.
 * `format` may use cli-progress placeholders and payload keys, whose first values are `initial`.
 */
export function createProgress(
  total: number,
  format: string,
  initial: Record<string, string | number> = {},
  enabled = process.stderr.isTTY === true,
): Progress {
  if (!enabled) return { update: () => {}, stop: () => {} };
  const bar = new SingleBar(
    { format, stream: process.stderr, hideCursor: true, clearOnComplete: false, fps: 5, etaBuffer: 50 },
    Presets.shades_classic,
  );
  bar.start(total, 0, initial);
  return {
    update: (value, payload) => bar.update(value, payload),
    stop: () => bar.stop(),
  };
}
