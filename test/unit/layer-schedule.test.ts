/**
 * The runner plans pushes by the layers preflight's inspect lists: the image
 * carrying a shared base is pushed alone first, then the images sharing it
 * at -j together; -n prints that order.
 */
import { describe, expect, it } from "vitest";
import { fakeLayer, pushTarget } from "./fake-shell.ts";
import { setUp } from "./harness.ts";

const REGISTRY = "reg.example.com/p";
const FOUR = ["apim-le-cache", "apim-le-toolkit", "apim-le-configui", "apim-le-platformapi"];
const source = (image: string) => `apim/${image}:v6.0.0`;
const target = (image: string) => `${REGISTRY}/${image}:v6.0.0`;
/** The toolkit carries the base and a runtime layer; the others only the base; the configui nothing shared. */
const LAYERS = {
  [source("apim-le-cache")]: [fakeLayer("base"), fakeLayer("cache")],
  [source("apim-le-toolkit")]: [fakeLayer("base"), fakeLayer("runtime"), fakeLayer("toolkit")],
  [source("apim-le-configui")]: [fakeLayer("configui")],
  [source("apim-le-platformapi")]: [fakeLayer("base"), fakeLayer("runtime"), fakeLayer("platformapi")],
};

describe.each(["podman", "docker"] as const)("%s, images sharing layers, -j 4", (tool) => {
  it("the carrier and the image sharing nothing go first; the others start once the carrier's push ended", async () => {
    const { runner, shell } = setUp({
      flags: { registry: REGISTRY, containerTool: tool, image: FOUR, concurrency: "4" },
      shell: { layers: LAYERS, latency: (call) => (call.args[0] === "push" ? 15 : 0) },
    });
    const report = await runner.run();
    expect(report.results.map((r) => r.status)).toEqual(FOUR.map(() => "pushed"));
    const pushed = shell.argsOf("push").map(pushTarget);
    expect(pushed.slice(0, 2).sort()).toEqual([target("apim-le-configui"), target("apim-le-toolkit")]);
    expect(pushed.slice(2).sort()).toEqual([target("apim-le-cache"), target("apim-le-platformapi")]);
    // toolkit and configui together, then cache and platformapi together: never three at once.
    expect(shell.peakOf("push")).toBe(2);
    // The report keeps the plan's order.
    expect(report.results.map((r) => r.job.image)).toEqual(FOUR);
  });

  it("-n prints the layer order: the carrier first, and after whom each waits", async () => {
    const { runner, logged } = setUp({
      flags: { registry: REGISTRY, containerTool: tool, image: FOUR, concurrency: "4", dryRun: true },
      shell: { layers: LAYERS },
    });
    await runner.run();
    const lines = logged.join("").split("\n");
    expect(lines[0]).toBe(`Plan: 4 images with ${tool}`);
    expect(lines[1]).toBe(
      "  Layer order: apim-le-toolkit first; apim-le-cache, apim-le-platformapi share 2 layers with it and start once it is pushed",
    );
    expect(lines.filter((line) => line.includes(" -> "))).toEqual([
      `  ${source("apim-le-toolkit")} -> ${target("apim-le-toolkit")}`,
      `  ${source("apim-le-cache")} -> ${target("apim-le-cache")}   (after apim-le-toolkit)`,
      `  ${source("apim-le-configui")} -> ${target("apim-le-configui")}`,
      `  ${source("apim-le-platformapi")} -> ${target("apim-le-platformapi")}   (after apim-le-toolkit)`,
    ]);
  });
});
