/**
 * Groups the calls made during one turn of the event loop into one call of `run`, so that work
 * with a high fixed cost per call (here: a Redis script command) is paid once per group instead
 * of once per item. This is group commit, as databases do it for their log.
 *
 * A group closes at the end of the current event-loop turn (`setImmediate`: after every I/O
 * callback of this poll phase, so all requests whose bodies arrived together share a call) or
 * when it holds `maxItems`. A lone call therefore waits only for the rest of the current turn,
 * microseconds, not for a timer.
 *
 * `run` answers one result per item, in order. If it rejects, every item of the group rejects
 * with that error: the caller cannot tell which items took effect, so each must be treated as
 * possibly not done (for the ingest: a 503, and Rehook's retry is deduplicated by job id).
 */
export function createTurnBatcher<Item, Result>(
  run: (items: Item[]) => Promise<Result[]>,
  maxItems: number,
): (item: Item) => Promise<Result> {
  if (!Number.isInteger(maxItems) || maxItems < 1) throw new Error(`maxItems must be a positive integer`);
  interface Waiting {
    item: Item;
    resolve: (result: Result) => void;
    reject: (error: unknown) => void;
  }
  let group: Waiting[] = [];
  let scheduled: NodeJS.Immediate | undefined;

  function flush(): void {
    if (scheduled !== undefined) clearImmediate(scheduled);
    scheduled = undefined;
    const closed = group;
    group = [];
    let running: Promise<Result[]>;
    try {
      running = run(closed.map((waiting) => waiting.item));
    } catch (error) {
      running = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    running.then(
      (results) => {
        if (results.length !== closed.length) {
          const error = new Error(`batch of ${closed.length} answered ${results.length} results`);
          for (const waiting of closed) waiting.reject(error);
          return;
        }
        closed.forEach((waiting, index) => waiting.resolve(results[index]!));
      },
      (error: unknown) => {
        for (const waiting of closed) waiting.reject(error);
      },
    );
  }

  return (item) =>
    new Promise<Result>((resolve, reject) => {
      group.push({ item, resolve, reject });
      if (group.length >= maxItems) flush();
      else scheduled ??= setImmediate(flush);
    });
}
