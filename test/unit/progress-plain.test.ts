/**
 * plugins/progress-plain.ts: timestamped lines for logs and pipes, one when
 * an image's push starts, one per retry, one when it ends. `write` and
 * `now` are injected, so the lines are compared whole (only the elapsed
 * seconds, which depend on the machine, are normalised).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PlainProgressPlugin } from "../../plugins/progress-plain.ts";
import type { JobProgress } from "../../src/core/hooks.ts";
import { fail, fakeDigest, fakeImageId, inTurn, pushOf } from "./fake-shell.ts";
import { setUp } from "./harness.ts";
import { RegistryStore } from "./tiny-registry.ts";

const NOW = new Date("2026-03-04T05:06:07.890Z");
const T = "2026-03-04T05:06:07Z";
const THREE = ["apim-le-cache", "apim-le-toolkit", "apim-le-configui"];
const source = (image: string) => `apim/${image}:v6.0.0`;
const target = (image: string) => `reg.example.com/p/${image}:v6.0.0`;
const short = (image: string) => fakeDigest(target(image)).slice(0, "sha256:".length + 12);

beforeEach(() => void vi.spyOn(Math, "random").mockReturnValue(0));
afterEach(() => void vi.restoreAllMocks());

function run(concurrency: string) {
  const store = new RegistryStore();
  store.put(target("apim-le-toolkit"), fakeImageId(source("apim-le-toolkit")));
  const answers = [
    ...inTurn(pushOf(target("apim-le-cache")), [fail("received unexpected HTTP status: 503 Service Unavailable")]),
    { when: pushOf(target("apim-le-configui")), result: fail("Error: 401 Unauthorized") },
  ];
  // Waits of 400 * 2^(n-1) / 2 ms with Math.random at 0: 0.2 s before the first retry.
  const test = setUp({
    flags: { registry: "reg.example.com/p", image: THREE, concurrency },
    store,
    shell: { answers },
    retryPolicy: { baseMs: 400, maxMs: 1000 },
  });
  const lines: string[] = [];
  new PlainProgressPlugin(
    (line) => lines.push(line.replace(/, \d+\.\ds\)$/, ", N.Ns)")),
    () => NOW,
  ).apply(test.runner);
  return { ...test, lines };
}

/** The plugin on one image, its lines without their timestamps, and progress reported `ms` after NOW. */
function oneImageClocked() {
  const test = setUp({ flags: { registry: "reg.example.com/p", image: ["apim-le-cache"] } });
  const lines: string[] = [];
  let now = NOW.getTime();
  new PlainProgressPlugin(
    (line) => lines.push(line.slice(T.length + 1)),
    () => new Date(now),
  ).apply(test.runner);
  const job = { image: "apim-le-cache", source: source("apim-le-cache"), target: target("apim-le-cache") };
  const report = (ms: number, progress: JobProgress) => {
    now = NOW.getTime() + ms;
    test.runner.hooks.progress.call(job, progress);
  };
  return { report, lines, job };
}

describe("PlainProgressPlugin", () => {
  it("-j 1: start, retry and end of each image, numbered against the plan", async () => {
    const { runner, lines } = run("1");
    await runner.run();
    expect(lines).toEqual([
      `${T} pushing    ${source("apim-le-cache")} -> ${target("apim-le-cache")}`,
      `${T} retrying   apim-le-cache in 0.2s (attempt 2 of 4): reg.example.com answered with a server error`,
      `${T} [1/3] pushed     ${source("apim-le-cache")} -> ${target("apim-le-cache")}  (${short("apim-le-cache")}, N.Ns)`,
      `${T} [2/3] up-to-date ${source("apim-le-toolkit")} -> ${target("apim-le-toolkit")}  (${short("apim-le-toolkit")}, N.Ns)`,
      `${T} pushing    ${source("apim-le-configui")} -> ${target("apim-le-configui")}`,
      `${T} [3/3] failed     ${source("apim-le-configui")} -> ${target("apim-le-configui")}: reg.example.com rejected your credentials`,
    ]);
  });

  it("-j 3: the same lines, each image's in its order, counted as they end", async () => {
    const { runner, lines } = run("3");
    await runner.run();
    expect(lines).toHaveLength(6);
    expect(lines.map((line) => /\[(\d)\/3\]/.exec(line)?.[1]).filter(Boolean)).toEqual(["1", "2", "3"]);
    const cache = lines.filter((line) => line.includes("apim-le-cache"));
    expect(cache).toEqual([
      `${T} pushing    ${source("apim-le-cache")} -> ${target("apim-le-cache")}`,
      `${T} retrying   apim-le-cache in 0.2s (attempt 2 of 4): reg.example.com answered with a server error`,
      expect.stringMatching(new RegExp(`^${T} \\[\\d/3\\] pushed     ${source("apim-le-cache")} -> `)),
    ]);
  });

  it("a bundle push's byte reports: one pushing line; a line when it starts waiting for the registry's answer, once", () => {
    const { runner, lines } = run("1");
    const job = { image: "apim-le-cache", source: source("apim-le-cache"), target: target("apim-le-cache") };
    const bytes = { stage: "pushing", attempt: 1, bytesTotal: 100 } as const;
    const waiting = "reg.example.com to confirm apim-le-cache's blob sha256:0123456789ab… (191 MiB), up to 4m11s";
    for (const bytesSent of [10, 50, 100]) runner.hooks.progress.call(job, { ...bytes, bytesSent });
    runner.hooks.progress.call(job, { ...bytes, bytesSent: 100, waiting });
    runner.hooks.progress.call(job, { ...bytes, bytesSent: 100, waiting });
    runner.hooks.progress.call(job, { ...bytes, bytesSent: 100 });
    expect(lines).toEqual([
      `${T} pushing    ${source("apim-le-cache")} -> ${target("apim-le-cache")}`,
      `${T} waiting    apim-le-cache: for ${waiting}`,
    ]);
  });

  it("a long upload: one line per state, and bytes at most every 10 s, not a line per chunk", () => {
    const { report, lines, job } = oneImageClocked();
    const MiB = 1024 * 1024;
    // 40 chunks, one a second, as a chunked upload reports them.
    for (let second = 0; second < 40; second += 1) {
      report(second * 1000, { stage: "pushing", attempt: 1, bytesSent: second * 8 * MiB, bytesTotal: 320 * MiB });
    }
    expect(lines).toEqual([
      `pushing    ${job.source} -> ${job.target}`,
      "pushing    apim-le-cache: 80.0 of 320.0 MiB sent",
      "pushing    apim-le-cache: 160.0 of 320.0 MiB sent",
      "pushing    apim-le-cache: 240.0 of 320.0 MiB sent",
    ]);
  });

  it("an engine push: layers at the registry at most every 10 s", () => {
    const { report, lines, job } = oneImageClocked();
    report(0, { stage: "pushing", attempt: 1 });
    // A layer done every 3 s, as docker says `Pushed` for each.
    for (let layer = 0; layer <= 8; layer += 1) {
      report(layer * 3000, { stage: "pushing", attempt: 1, layersDone: layer, layersTotal: 8, layersSending: 1 });
    }
    expect(lines).toEqual([
      `pushing    ${job.source} -> ${job.target}`,
      "pushing    apim-le-cache: 4 of 8 layers at the registry",
      "pushing    apim-le-cache: 8 of 8 layers at the registry",
    ]);
  });

  it("says nothing of its own in a dry run", async () => {
    const test = setUp({ flags: { registry: "reg.example.com/p", image: THREE, dryRun: true } });
    const lines: string[] = [];
    new PlainProgressPlugin(
      (line) => lines.push(line),
      () => NOW,
    ).apply(test.runner);
    await test.runner.run();
    expect(lines).toEqual([]);
  });
});
