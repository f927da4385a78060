import { createTurnBatcher } from './turn-batcher';

/** A `run` that records each group it gets and answers each item doubled. */
function recordingRun(): { groups: number[][]; run: (items: number[]) => Promise<number[]> } {
  const groups: number[][] = [];
  return {
    groups,
    run: (items) => {
      groups.push(items);
      return Promise.resolve(items.map((item) => item * 2));
    },
  };
}

describe('createTurnBatcher', () => {
  it('runs the calls of one event-loop turn as one group, in order, each getting its own result', async () => {
    const { groups, run } = recordingRun();
    const call = createTurnBatcher(run, { maxItems: 100 });
    const results = await Promise.all([call(1), call(2), call(3)]);
    expect(results).toEqual([2, 4, 6]);
    expect(groups).toEqual([[1, 2, 3]]);
  });

  it('starts a new group in the next turn', async () => {
    const { groups, run } = recordingRun();
    const call = createTurnBatcher(run, { maxItems: 100 });
    const first = call(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(groups).toEqual([[1]]);
    await Promise.all([first, call(2), call(3)]);
    expect(groups).toEqual([[1], [2, 3]]);
  });

  it('closes a group when it holds maxItems, without waiting for the turn to end', async () => {
    const { groups, run } = recordingRun();
    const call = createTurnBatcher(run, { maxItems: 2 });
    const pending = [1, 2, 3, 4, 5].map(call);
    expect(groups).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(await Promise.all(pending)).toEqual([2, 4, 6, 8, 10]);
    expect(groups).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('closes a group once its items weigh maxWeight, so that one call stays bounded', async () => {
    const { groups, run } = recordingRun();
    const call = createTurnBatcher(run, { maxItems: 100, maxWeight: 10, weigh: (item: number) => item });
    const pending = [4, 5, 1, 9, 2, 3].map(call);
    expect(groups).toEqual([
      [4, 5, 1],
      [9, 2],
    ]);
    await Promise.all(pending);
    expect(groups).toEqual([[4, 5, 1], [9, 2], [3]]);
  });

  it('rejects every call of a group whose run fails, and keeps working afterwards', async () => {
    let fail = true;
    const call = createTurnBatcher(
      (items: number[]) => {
        if (fail) throw new Error('down');
        return Promise.resolve(items);
      },
      { maxItems: 10 },
    );
    const failed = await Promise.allSettled([call(1), call(2)]);
    expect(failed.map((settled) => settled.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await call(3)).toBe(3);
  });

  it('rejects every call of a group whose run answers the wrong number of results', async () => {
    const call = createTurnBatcher((items: number[]) => Promise.resolve(items.slice(1)), { maxItems: 10 });
    const settled = await Promise.allSettled([call(1), call(2)]);
    expect(settled.map((each) => each.status)).toEqual(['rejected', 'rejected']);
  });

  it('refuses a maxItems that is not a positive integer', () => {
    expect(() => createTurnBatcher(() => Promise.resolve([]), { maxItems: 0 })).toThrow(/maxItems/);
  });
});
