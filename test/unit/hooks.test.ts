/**
 * The hooks as plugins see them: the plan waterfall (and -d's retag), the
 * argument-list waterfalls, the guard against unknown hook names, and
 * plugin errors reported with the plugin's name.
 */
import { describe, expect, it } from "vitest";
import { RetagPlugin } from "../../plugins/retag.ts";
import type { Job } from "../../src/core/hooks.ts";
import { failure } from "../../src/core/errors.ts";
import { DIGEST_FILE, rejectionOf, setUp, thrownBy } from "./harness.ts";

const HOOK_NAMES = [
  "prepare",
  "plan",
  "preflight",
  "tagArgs",
  "pushArgs",
  "beforePush",
  "progress",
  "afterPush",
  "failed",
  "done",
  "cleanup",
];

describe("plan", () => {
  it("-d (RetagPlugin) rewrites only the tag, even with a port in the registry", async () => {
    const { runner } = setUp({
      flags: { registry: "127.0.0.1:5000/a/b", image: ["apim-le-cache", "apim-le-toolkit"], destTag: "trial-1" },
    });
    const report = await runner.run();
    expect(report.results.map((r) => r.job)).toEqual([
      { image: "apim-le-cache", source: "apim/apim-le-cache:v6.0.0", target: "127.0.0.1:5000/a/b/apim-le-cache:trial-1" },
      { image: "apim-le-toolkit", source: "apim/apim-le-toolkit:v6.0.0", target: "127.0.0.1:5000/a/b/apim-le-toolkit:trial-1" },
    ]);
  });

  it("RetagPlugin applied by hand sees the plan and changes nothing but the target tag", () => {
    const { runner } = setUp({ flags: { registry: "localhost:5000" } });
    new RetagPlugin("v7").apply(runner);
    const jobs: Job[] = [{ image: "x", source: "apim/x:v6.0.0", target: "localhost:5000/x:v6.0.0" }];
    expect(runner.hooks.plan.call(jobs)).toEqual([{ image: "x", source: "apim/x:v6.0.0", target: "localhost:5000/x:v7" }]);
  });

  it("RetagPlugin checks its tag in the constructor", () => {
    expect(thrownBy(() => new RetagPlugin("-v7"))).toMatchObject({ code: "INVALID_TAG", exitCode: 2 });
  });

  it("a later plan tap sees the retagged targets", async () => {
    const { runner } = setUp({ flags: { registry: "reg.example.com/p", image: ["apim-le-cache"], destTag: "v7" } });
    const seen: string[] = [];
    runner.hooks.plan.tap("site", (jobs) => {
      seen.push(...jobs.map((j) => j.target));
      return jobs;
    });
    await runner.run();
    expect(seen).toEqual(["reg.example.com/p/apim-le-cache:v7"]);
  });

  it("a plugin's invalid target is refused before the tool is asked anything", async () => {
    const { runner, shell } = setUp({ flags: { registry: "reg.example.com/p", image: ["apim-le-cache"] } });
    runner.hooks.plan.tap("shouty", (jobs) => jobs.map((j) => ({ ...j, target: j.target.toUpperCase() })));
    const error = await rejectionOf(runner.run());
    expect(error).toMatchObject({ code: "INVALID_REGISTRY", exitCode: 2 });
    expect(error.message).toContain("REG.EXAMPLE.COM/P/APIM-LE-CACHE:V6.0.0");
    expect(shell.calls).toEqual([]);
  });
});

describe("tagArgs and pushArgs", () => {
  it("a site plugin's arguments reach podman after -t's, with the job it was given; tapping tagArgs makes podman tag", async () => {
    const { runner, shell } = setUp({
      flags: { registry: "reg.example.com/p", containerTool: "podman", image: ["apim-le-cache"], noTlsVerify: true },
    });
    const jobs: Job[] = [];
    runner.hooks.tagArgs.tap("site", (args, job) => {
      jobs.push(job);
      return args;
    });
    runner.hooks.pushArgs.tap("site", (args, job) => {
      jobs.push(job);
      // podman's list ends with SOURCE docker://TARGET.
      return [...args.slice(0, -2), "--compression-format", "zstd", ...args.slice(-2)];
    });
    await runner.run();
    expect(shell.argsOf("push")).toEqual([
      [
        "push",
        "--tls-verify=false",
        "--digestfile",
        DIGEST_FILE,
        "--compression-format",
        "zstd",
        "apim/apim-le-cache:v6.0.0",
        "docker://reg.example.com/p/apim-le-cache:v6.0.0",
      ],
    ]);
    expect(shell.argsOf("tag")).toEqual([["tag", "apim/apim-le-cache:v6.0.0", "reg.example.com/p/apim-le-cache:v6.0.0"]]);
    const job = { image: "apim-le-cache", source: "apim/apim-le-cache:v6.0.0", target: "reg.example.com/p/apim-le-cache:v6.0.0" };
    expect(jobs).toEqual([job, job]);
  });
});

describe("the hooks object", () => {
  it("asking for a hook that does not exist throws UNKNOWN_HOOK listing the hooks", () => {
    const { runner } = setUp({ flags: { registry: "reg.example.com/p" } });
    const error = thrownBy(() => (runner.hooks as unknown as Record<string, unknown>).beforeTag);
    expect(error).toMatchObject({ code: "UNKNOWN_HOOK", exitCode: 2, message: 'there is no hook named "beforeTag"' });
    expect(error.hint).toBe(`use one of: ${HOOK_NAMES.join(", ")}`);
  });

  it("is frozen", () => {
    const { runner } = setUp({ flags: { registry: "reg.example.com/p" } });
    expect(() => Object.assign(runner.hooks, { plan: undefined })).toThrow(TypeError);
    expect(Object.keys(runner.hooks)).toEqual(HOOK_NAMES);
  });
});

describe("a plugin that throws is named", () => {
  const THREE = ["apim-le-cache", "apim-le-toolkit", "apim-le-configui"];

  it("in plan: the run stops before the tool is asked anything", async () => {
    const { runner, shell } = setUp({ flags: { registry: "reg.example.com/p" } });
    runner.hooks.plan.tap("site-naming", () => {
      throw new Error("no mapping for apim-le-cache");
    });
    const error = await rejectionOf(runner.run());
    expect(error).toMatchObject({
      code: "PLUGIN_FAILED",
      message: 'plugin "site-naming" failed in hook "plan": no mapping for apim-le-cache',
    });
    expect(error.hint).toContain("site-naming");
    expect(shell.calls).toEqual([]);
  });

  it("in preflight: nothing is tagged or pushed", async () => {
    const { runner, shell } = setUp({ flags: { registry: "reg.example.com/p" } });
    runner.hooks.preflight.tapPromise("quota", async () => {
      throw new Error("quota exceeded");
    });
    const error = await rejectionOf(runner.run());
    expect(error.message).toBe('plugin "quota" failed in hook "preflight": quota exceeded');
    expect(shell.mutatingArgs()).toEqual([]);
  });

  it("in tagArgs (-j 1): that image fails without being tagged, and no further image is pushed", async () => {
    const { runner, shell } = setUp({ flags: { registry: "reg.example.com/p", image: THREE, concurrency: "1" } });
    runner.hooks.tagArgs.tap("picky", (args, job) => {
      if (job.image === "apim-le-toolkit") throw new TypeError("cannot read toolkit");
      return args;
    });
    const report = await runner.run();
    expect(report.results.map((r) => [r.status, r.error?.code])).toEqual([
      ["pushed", undefined],
      ["failed", "PLUGIN_FAILED"],
    ]);
    expect(report.planned).toBe(3);
    expect(report.results[1]?.error?.message).toBe('plugin "picky" failed in hook "tagArgs": cannot read toolkit');
    expect(shell.mutatingArgs().some((a) => a.some((w) => w.includes("toolkit") || w.includes(THREE[2] as string)))).toBe(false);
  });

  it.each([
    [
      "tapPromise",
      (runner: ReturnType<typeof setUp>["runner"]) =>
        runner.hooks.beforePush.tapPromise("gate", async () => Promise.reject(new Error("closed"))),
    ],
    [
      "tapAsync",
      (runner: ReturnType<typeof setUp>["runner"]) =>
        runner.hooks.beforePush.tapAsync("gate", (_job, callback) => callback(new Error("closed"))),
    ],
    [
      "tap",
      (runner: ReturnType<typeof setUp>["runner"]) =>
        runner.hooks.beforePush.tap("gate", () => {
          throw new Error("closed");
        }),
    ],
  ] as const)("in beforePush (%s): the image fails before its tag", async (_how, tap) => {
    const { runner, shell } = setUp({ flags: { registry: "reg.example.com/p", image: ["apim-le-cache"] } });
    tap(runner);
    const report = await runner.run();
    expect(report.results[0]).toMatchObject({
      status: "failed",
      error: { code: "PLUGIN_FAILED", message: 'plugin "gate" failed in hook "beforePush": closed' },
    });
    expect(shell.mutatingArgs()).toEqual([]);
  });

  it("a plugin's own coded error passes through unchanged", async () => {
    const { runner } = setUp({ flags: { registry: "reg.example.com/p", image: ["apim-le-cache"] } });
    runner.hooks.beforePush.tap("harbor", () => {
      throw failure("REPOSITORY_NOT_FOUND", "project p does not exist", "add --create-project");
    });
    const report = await runner.run();
    expect(report.results[0]?.error).toMatchObject({ code: "REPOSITORY_NOT_FOUND", message: "project p does not exist" });
  });
});

describe("afterPush and done", () => {
  it("see each result and the whole report", async () => {
    const { runner } = setUp({ flags: { registry: "reg.example.com/p", image: ["apim-le-cache", "apim-le-toolkit"] } });
    const after: string[] = [];
    let total = -1;
    runner.hooks.afterPush.tap("audit", (job, result) => void after.push(`${job.image} ${result.status}`));
    runner.hooks.done.tap("audit", (report) => void (total = report.results.length));
    await runner.run();
    // Pushed concurrently: afterPush comes in the order the pushes end.
    expect(after.sort()).toEqual(["apim-le-cache pushed", "apim-le-toolkit pushed"]);
    expect(total).toBe(2);
  });
});
