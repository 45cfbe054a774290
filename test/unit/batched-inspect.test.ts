/**
 * Preflight looks every source and target up with one `image inspect`: the
 * ids of the found images in order on stdout, the missing ones named on
 * stderr. An answer whose count of ids does not fit is not trusted: each
 * reference is then inspected on its own.
 */
import { describe, expect, it } from "vitest";
import { INSPECT_FORMAT } from "../../src/engine/container-tool.ts";
import { fakeImageId, ok, type RecordedCall } from "./fake-shell.ts";
import { setUp } from "./harness.ts";

const REGISTRY = "reg.example.com/p";
const TWO = ["apim-le-cache", "apim-le-toolkit"];
const source = (image: string) => `apim/${image}:v6.0.0`;
const target = (image: string) => `${REGISTRY}/${image}:v6.0.0`;
const inspectOf = (references: readonly string[]) => ["image", "inspect", "--format", INSPECT_FORMAT, ...references];
const inspects = (calls: readonly RecordedCall[]) => calls.filter((c) => c.args[1] === "inspect").map((c) => c.args);
/** The batched inspect: more than one reference after the format. */
const batched = (call: RecordedCall) => call.args[1] === "inspect" && call.args.length > 5;

describe.each(["podman", "docker"] as const)("%s: an answer with the wrong number of ids", (tool) => {
  it.each([
    ["one id too few", (ids: string[]) => ids.slice(1)],
    ["one line too many", (ids: string[]) => [...ids, "WARNING: something to say"]],
  ])("%s: each reference is inspected on its own, and the run goes on", async (_what, garble) => {
    const local = [source("apim-le-cache"), ...TWO.slice(1).flatMap((i) => [source(i), target(i)])];
    const missing = target("apim-le-cache");
    // Three of the four are there, and stderr names the fourth as the tool would; stdout does not fit.
    const ids = local.map((r) => (tool === "docker" ? fakeImageId(r) : fakeImageId(r).replace("sha256:", "")));
    const stderr =
      tool === "docker"
        ? `Error response from daemon: no such image: ${missing}: No such image: ${missing}\n`
        : `Error: inspecting object: ${missing}: image not known\n`;
    const { runner, shell } = setUp({
      flags: { registry: REGISTRY, containerTool: tool, image: TWO },
      shell: {
        localImages: local,
        answers: [
          { when: batched, result: { exitCode: tool === "docker" ? 1 : 125, stdout: `${garble(ids).join("\n")}\n`, stderr } },
        ],
      },
    });
    const report = await runner.run();

    const references = TWO.flatMap((i) => [source(i), target(i)]);
    expect(inspects(shell.calls)).toEqual([inspectOf(references), ...references.map((r) => inspectOf([r]))]);
    expect(Object.fromEntries(runner.localImages)).toEqual(
      Object.fromEntries(references.map((r) => [r, local.includes(r) ? fakeImageId(r) : undefined])),
    );
    expect(report.results.map((r) => r.status)).toEqual(["pushed", "pushed"]);
    // docker: the toolkit target was there and is left; only the tag the run made is removed. podman makes none.
    expect(shell.argsOf(tool === "podman" ? "rmi" : "image").filter((a) => a[0] === "rmi" || a[1] === "rm")).toEqual(
      tool === "podman" ? [] : [["image", "rm", target("apim-le-cache")]],
    );
  });
});

describe("what is inspected", () => {
  it("a source that is its own target (-p names the registry) is inspected once", async () => {
    const { runner, shell } = setUp({ flags: { registry: REGISTRY, sourcePath: REGISTRY, image: TWO } });
    await runner.run();
    expect(inspects(shell.calls)).toEqual([inspectOf(TWO.map(target))]);
  });

  it("references a plugin already vouched for (a loaded archive) are left out", async () => {
    const { runner, shell } = setUp({ flags: { registry: REGISTRY, containerTool: "podman", image: TWO } });
    runner.localImages.set(source("apim-le-cache"), fakeImageId(source("apim-le-cache")));
    await runner.run();
    expect(inspects(shell.calls)).toEqual([
      inspectOf([target("apim-le-cache"), source("apim-le-toolkit"), target("apim-le-toolkit")]),
    ]);
  });

  it("nothing left to look up: no inspect at all", async () => {
    const { runner, shell } = setUp({ flags: { registry: REGISTRY, containerTool: "podman", image: ["apim-le-cache"] } });
    runner.localImages.set(source("apim-le-cache"), fakeImageId(source("apim-le-cache")));
    runner.localImages.set(target("apim-le-cache"), undefined);
    expect((await runner.run()).results.map((r) => r.status)).toEqual(["pushed"]);
    expect(inspects(shell.calls)).toEqual([]);
  });
});
