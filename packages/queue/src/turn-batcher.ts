/** When a group closes before the end of the turn. */
export interface TurnBatcherLimits<Item> {
  maxItems: number;
  /** With `weigh`: close the group once its items weigh this much or more. */
  maxWeight?: number;
  weigh?: (item: Item) => number;
}

/**
 * Groups the calls made during one turn of the event loop into one call of `run`, so that work
 * with a high fixed cost per call (here: a Redis script command) is paid once per group instead
 * of once per item. This is group commit, as databases do it for their log.
 *
 * A group closes at the end of the current event-loop turn (`setImmediate`: after every I/O
 * callback of this poll phase, so all requests whose bodies arrived together share a call), or
 * at once when it holds `maxItems` or its items weigh `maxWeight` or more (so one call stays
 * bounded however large the items). A lone call therefore waits only for the rest of the
 * current turn, microseconds, not for a timer.
 *
 * `run` answers one result per item, in order. If it rejects, every item of the group rejects
 * with that error: the caller cannot tell which items took effect, so each must be treated as
 * possibly not done (for the ingest: a 503, and Rehook's retry is deduplicated by job id).
 */
export function createTurnBatcher<Item, Result>(
  run: (items: Item[]) => Promise<Result[]>,
  limits: TurnBatcherLimits<Item>,
): (item: Item) => Promise<Result> {
  const { maxItems, maxWeight = Infinity, weigh = () => 0 } = limits;
  if (!Number.isInteger(maxItems) || maxItems < 1) throw new Error(`maxItems must be a positive integer`);
  interface Waiting {
    item: Item;
    resolve: (result: Result) => void;
    reject: (error: unknown) => void;
  }
  let group: Waiting[] = [];
  let groupWeight = 0;
  let scheduled: NodeJS.Immediate | undefined;

  function flush(): void {
    if (scheduled !== undefined) clearImmediate(scheduled);
    scheduled = undefined;
    const closed = group;
    group = [];
    groupWeight = 0;
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
      groupWeight += weigh(item);
      if (group.length >= maxItems || groupWeight >= maxWeight) flush();
      else scheduled ??= setImmediate(flush);
    });
}
