/**
 * src/core/pool.ts: at most N jobs at once, every result returned, and no new
 * job handed out once stop() says so (interrupt, broken plugin).
 */
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { runPool } from "../../src/core/pool.ts";

const ITEMS = [30, 5, 20, 10, 1, 25, 15];

/** Work that takes `ms` and records how many ran at once. */
function tracked() {
  let running = 0;
  const seen = { peak: 0, started: [] as number[] };
  const work = async (ms: number) => {
    seen.started.push(ms);
    seen.peak = Math.max(seen.peak, ++running);
    await sleep(ms);
    running -= 1;
    return ms * 2;
  };
  return { seen, work };
}

describe("runPool", () => {
  it.each([1, 2, 3, 7, 16])("with concurrency %i, never more at once, and as many when there is work", async (concurrency) => {
    const { seen, work } = tracked();
    const results = await runPool(ITEMS, concurrency, work, () => false);
    expect(seen.peak).toBe(Math.min(concurrency, ITEMS.length));
    expect([...results].sort((a, b) => a - b)).toEqual(ITEMS.map((ms) => ms * 2).sort((a, b) => a - b));
  });

  it("hands jobs out in plan order", async () => {
    const { seen, work } = tracked();
    await runPool(ITEMS, 2, work, () => false);
    expect(seen.started).toEqual(ITEMS);
  });

  it("returns results in the order jobs end (the runner sorts them)", async () => {
    const results = await runPool(
      [30, 1],
      2,
      async (ms) => (await sleep(ms), ms),
      () => false,
    );
    expect(results).toEqual([1, 30]);
  });

  it("stop() ends handing out jobs; running ones finish", async () => {
    const { seen, work } = tracked();
    let stopped = false;
    const results = await runPool(
      ITEMS,
      2,
      async (ms) => {
        const result = await work(ms);
        stopped = true;
        return result;
      },
      () => stopped,
    );
    // The first two started together; once one ended, nothing new started.
    expect(seen.started).toEqual([30, 5]);
    expect(results.sort((a, b) => a - b)).toEqual([10, 60]);
  });

  it("stop() already true: nothing runs", async () => {
    const { seen, work } = tracked();
    expect(await runPool(ITEMS, 3, work, () => true)).toEqual([]);
    expect(seen.started).toEqual([]);
  });

  it("no items: no results", async () => {
    expect(
      await runPool(
        [],
        3,
        async (x: number) => x,
        () => false,
      ),
    ).toEqual([]);
  });

  it("a concurrency below 1 still runs one at a time", async () => {
    const { seen, work } = tracked();
    expect((await runPool([1, 2], 0, work, () => false)).length).toBe(2);
    expect(seen.peak).toBe(1);
  });
});

describe("runPool with waitsFor", () => {
  it("a job starts only once those it waits for have ended; the others fill the free slots meanwhile", async () => {
    const { seen, work } = tracked();
    const ended: number[] = [];
    // 20 and 25 wait for 30; 5 and 10 wait for nothing.
    const waits = new Map([
      [20, [30]],
      [25, [30]],
    ]);
    await runPool(
      [30, 20, 25, 5, 10],
      3,
      async (ms) => (await work(ms), ended.push(ms), ms),
      () => false,
      (ms) => waits.get(ms) ?? [],
    );
    expect(seen.started.slice(0, 3)).toEqual([30, 5, 10]);
    expect(ended.indexOf(30)).toBeLessThan(seen.started.indexOf(20));
    expect(seen.started.indexOf(20)).toBeLessThan(seen.started.indexOf(25));
    expect(seen.peak).toBe(3);
  });

  it("a job whose carrier failed (a result, as the runner reports failures) still runs after it", async () => {
    const started: number[] = [];
    const results = await runPool(
      [1, 2],
      2,
      async (n) => (started.push(n), n === 1 ? "failed" : "pushed"),
      () => false,
      (n) => (n === 2 ? [1] : []),
    );
    expect(started).toEqual([1, 2]);
    expect(results).toEqual(["failed", "pushed"]);
  });

  it("waiting for a job outside the pool, or in a circle, does not hang", async () => {
    expect(
      await runPool(
        [1, 2],
        1,
        async (n) => n,
        () => false,
        (n) => (n === 1 ? [99] : []),
      ),
    ).toEqual([1, 2]);
    expect(
      (
        await runPool(
          [1, 2],
          2,
          async (n) => n,
          () => false,
          (n) => [n === 1 ? 2 : 1],
        )
      ).sort(),
    ).toEqual([1, 2]);
  });
});
