/**
 * src/core/layer-order.ts: a layer several images carry is pushed by one of them
 * first; the images sharing it wait for that push, the others never wait.
 */
import { describe, expect, it } from "vitest";
import { scheduleByLayers } from "../../src/core/layer-order.ts";

const scheduleOf = (layers: Record<string, string[]>) => {
  const schedule = scheduleByLayers(Object.keys(layers), (item) => layers[item] ?? []);
  return {
    order: schedule.order,
    waitsFor: Object.fromEntries(schedule.waitsFor),
    carries: Object.fromEntries(schedule.carries),
  };
};

describe("scheduleByLayers", () => {
  it("nothing shared: plan order, nobody waits", () => {
    expect(scheduleOf({ a: ["1"], b: ["2"], c: [] })).toEqual({
      order: ["a", "b", "c"],
      waitsFor: { a: [], b: [], c: [] },
      carries: {},
    });
  });

  it("one base under every image: the first carries it, the others wait for it", () => {
    expect(scheduleOf({ a: ["base", "a"], b: ["base", "b"], c: ["base", "c"] })).toEqual({
      order: ["a", "b", "c"],
      waitsFor: { a: [], b: ["a"], c: ["a"] },
      carries: { a: ["base"] },
    });
  });

  it("the image carrying the most shared layers goes first, whatever its place in the plan", () => {
    const { order, waitsFor, carries } = scheduleOf({ a: ["os", "a"], b: ["os", "jre", "b"], c: ["os", "jre", "c"], d: ["d"] });
    expect(order).toEqual(["b", "a", "c", "d"]);
    expect(carries).toEqual({ b: ["os", "jre"] });
    expect(waitsFor).toEqual({ a: ["b"], b: [], c: ["b"], d: [] });
  });

  it("two families: each has its carrier, and the carriers run side by side", () => {
    const { order, waitsFor, carries } = scheduleOf({ a: ["x", "a"], b: ["y", "b"], c: ["x", "c"], d: ["y", "d"] });
    expect(carries).toEqual({ a: ["x"], b: ["y"] });
    expect(order).toEqual(["a", "b", "c", "d"]);
    expect(waitsFor).toEqual({ a: [], b: [], c: ["a"], d: ["b"] });
  });

  it("a second shared layer the first carrier lacks: its carrier waits only for what it shares", () => {
    // os under all; tools under c and d only.
    const { order, waitsFor, carries } = scheduleOf({
      a: ["os", "a"],
      b: ["os", "b"],
      c: ["os", "tools", "c"],
      d: ["os", "tools", "d"],
    });
    expect(carries).toEqual({ c: ["os", "tools"] });
    expect(order[0]).toBe("c");
    expect(waitsFor).toEqual({ a: ["c"], b: ["c"], c: [], d: ["c"] });
  });

  it("layers no carrier has yet go to a later carrier, which waits for the earlier one", () => {
    const { carries, waitsFor } = scheduleOf({ a: ["1", "2", "a"], b: ["1", "2", "b"], c: ["2", "3", "c"], d: ["3", "d"] });
    expect(carries).toEqual({ a: ["1", "2"], c: ["3"] });
    expect(waitsFor).toEqual({ a: [], b: ["a"], c: ["a"], d: ["c"] });
  });

  it("nobody waits in a circle: each waits only for carriers chosen before it", () => {
    const layers: Record<string, string[]> = {};
    for (let i = 0; i < 12; i++) layers[`i${i}`] = [`l${i % 3}`, `l${(i * 7) % 5}`, `own${i}`];
    const { order, waitsFor } = scheduleOf(layers);
    for (const [item, carriers] of Object.entries(waitsFor))
      for (const carrier of carriers) expect(order.indexOf(carrier)).toBeLessThan(order.indexOf(item));
  });
});
