/**
 * lookAhead: every target's up-to-date check starts as the pushes start,
 * a bounded number at a time, in plan order, each once.
 */
import { describe, expect, it } from "vitest";
import { lookAhead } from "../../src/core/look-ahead.ts";

/** A lookup whose answers the test releases by hand, recording what ran when. */
function heldLookups() {
  const started: string[] = [];
  const release = new Map<string, { resolve: (v: string) => void; reject: (e: Error) => void }>();
  let running = 0;
  let mostAtOnce = 0;
  const lookUp = (item: string) => {
    started.push(item);
    mostAtOnce = Math.max(mostAtOnce, ++running);
    return new Promise<string>((resolve, reject) => release.set(item, { resolve, reject })).finally(() => running--);
  };
  return { lookUp, started, release, mostAtOnce: () => mostAtOnce };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("lookAhead", () => {
  it("starts at most `concurrency` lookups, in order, each item once, and hands each answer to its asker", async () => {
    const held = heldLookups();
    const answerOf = lookAhead(["a", "b", "a", "c", "d"], held.lookUp, 2, () => false);
    await tick();
    expect(held.started).toEqual(["a", "b"]);
    held.release.get("b")?.resolve("B");
    await tick();
    expect(held.started).toEqual(["a", "b", "c"]);
    for (const item of ["a", "c"]) held.release.get(item)?.resolve(item.toUpperCase());
    await tick();
    held.release.get("d")?.resolve("D");
    expect(await Promise.all(["a", "b", "c", "d"].map((item) => answerOf(item)))).toEqual(["A", "B", "C", "D"]);
    expect(held.started).toEqual(["a", "b", "c", "d"]);
    expect(held.mostAtOnce()).toBe(2);
    expect(answerOf("e")).toBeUndefined();
  });

  it("a failed lookup fails its own item only; the others go on", async () => {
    const held = heldLookups();
    const answerOf = lookAhead(["a", "b"], held.lookUp, 1, () => false);
    await tick();
    held.release.get("a")?.reject(new Error("HTTP 500"));
    await expect(answerOf("a")).rejects.toThrow("HTTP 500");
    await tick();
    held.release.get("b")?.resolve("B");
    await expect(answerOf("b")).resolves.toBe("B");
  });

  it("starts no new lookup once stopped (an interrupt)", async () => {
    const held = heldLookups();
    let stopped = false;
    lookAhead(["a", "b", "c"], held.lookUp, 1, () => stopped);
    await tick();
    stopped = true;
    held.release.get("a")?.resolve("A");
    await tick();
    expect(held.started).toEqual(["a"]);
  });
});
