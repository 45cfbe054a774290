/**
 * -j: images are pushed N at a time through src/core/pool.ts; the report keeps
 * the plan's order whatever order the pushes end in; a broken plugin stops
 * further images from starting.
 */
import { describe, expect, it } from "vitest";
import { BUILT_IN_DEFAULTS } from "../../src/options/product-defaults.ts";
import type { RecordedCall } from "./fake-shell.ts";
import { setUp } from "./harness.ts";

const REGISTRY = "reg.example.com/p";
const ALL = BUILT_IN_DEFAULTS.images;
/** Every push takes a while, so pushes overlap as much as the pool lets them. */
const slowPushes = (call: RecordedCall) => (call.args[0] === "push" ? 25 : 0);

describe("pushes in flight", () => {
  it.each([
    ["1", 1],
    ["2", 2],
    [undefined, 4],
    ["16", ALL.length],
  ])("-j %s: at most %i at once, and every image pushed", async (concurrency, peak) => {
    const { runner, shell } = setUp({ flags: { registry: REGISTRY, concurrency }, shell: { latency: slowPushes } });
    const report = await runner.run();
    expect(shell.peakOf("push")).toBe(peak);
    expect(report.results.map((r) => [r.job.image, r.status])).toEqual(ALL.map((image) => [image, "pushed"]));
    expect(shell.argsOf("push")).toHaveLength(ALL.length);
  });
});

describe("the report", () => {
  it("keeps the plan's order when the first image ends last", async () => {
    const first = `${REGISTRY}/${ALL[0]}:v6.0.0`;
    const { runner } = setUp({
      flags: { registry: REGISTRY, concurrency: "3" },
      shell: { latency: (c) => (c.args[0] === "push" && c.args.at(-1) === first ? 80 : 1) },
    });
    const ended: string[] = [];
    runner.hooks.afterPush.tap("order", (job) => void ended.push(job.image));
    const report = await runner.run();
    expect(ended.at(-1)).toBe(ALL[0]);
    expect(report.results.map((r) => r.job.image)).toEqual(ALL);
    expect(report.planned).toBe(ALL.length);
  });
});

describe("a plugin that fails (PLUGIN_FAILED)", () => {
  it("-j 2: the image running beside it finishes, no further image starts", async () => {
    const images = ["apim-le-cache", "apim-le-toolkit", "apim-le-configui", "apim-le-platformapi"];
    const { runner, shell } = setUp({
      flags: { registry: REGISTRY, image: images, concurrency: "2" },
      shell: { latency: slowPushes },
    });
    runner.hooks.beforePush.tap("gate", (job) => {
      if (job.image === "apim-le-cache") throw new Error("closed");
    });
    const report = await runner.run();
    expect(report.results.map((r) => [r.job.image, r.status, r.error?.code])).toEqual([
      ["apim-le-cache", "failed", "PLUGIN_FAILED"],
      ["apim-le-toolkit", "pushed", undefined],
    ]);
    expect(report.planned).toBe(4);
    expect(shell.argsOf("push")).toEqual([["push", `${REGISTRY}/apim-le-toolkit:v6.0.0`]]);
  });
});
