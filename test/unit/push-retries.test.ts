/**
 * Retries of a push: transient failures (5xx, 429, refused or reset
 * connections) are pushed again after a backoff, each retry visible as a
 * `progress` "retrying" event; permanent ones fail at once; --retries caps
 * them. Math.random is fixed, so the waits are exact: base * 2^(n-1) / 2.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fail, inTurn, pushOf } from "./fake-shell.ts";
import { DIGEST_FILE, setUp } from "./harness.ts";

const SOURCE = "apim/apim-le-cache:v6.0.0";
const TARGET = "reg.example.com/p/apim-le-cache:v6.0.0";
const E503 = fail("Error: writing blob: initiating layer upload: received unexpected HTTP status: 503 Service Unavailable");
const E429 = fail("Error: received unexpected HTTP status: 429 Too Many Requests");
const E401 = fail("Error: received unexpected HTTP status: 401 Unauthorized");
const PUSH = ["push", "--digestfile", DIGEST_FILE, SOURCE, `docker://${TARGET}`];
const SERVER_ERROR = "reg.example.com answered with a server error";

beforeEach(() => void vi.spyOn(Math, "random").mockReturnValue(0));
afterEach(() => void vi.restoreAllMocks());

/** One podman image whose pushes answer `failures` in turn, then succeed. */
function pushing(
  failures: ReturnType<typeof fail>[],
  flags: { retries?: string } = {},
  retryPolicy = { baseMs: 8, maxMs: 1000 },
) {
  const answers = inTurn(pushOf(TARGET), failures);
  return setUp({
    flags: { registry: "reg.example.com/p", containerTool: "podman", image: ["apim-le-cache"], ...flags },
    shell: { answers },
    retryPolicy,
  });
}

describe("a transient failure", () => {
  it("503 twice, then success: pushed after 3 attempts, each retry announced with its wait", async () => {
    const { runner, shell, progress } = pushing([E503, E503]);
    const [result] = (await runner.run()).results;
    expect(result).toMatchObject({ status: "pushed", attempts: 3, digest: expect.stringMatching(/^sha256:/) });
    expect(result?.error).toBeUndefined();
    expect(shell.mutatingArgs()).toEqual([PUSH, PUSH, PUSH]);
    expect(progress).toEqual([
      ["apim-le-cache", { stage: "checking" }],
      ["apim-le-cache", { stage: "pushing", attempt: 1 }],
      ["apim-le-cache", { stage: "retrying", attempt: 2, delayMs: 4, reason: SERVER_ERROR }],
      ["apim-le-cache", { stage: "pushing", attempt: 2 }],
      ["apim-le-cache", { stage: "retrying", attempt: 3, delayMs: 8, reason: SERVER_ERROR }],
      ["apim-le-cache", { stage: "pushing", attempt: 3 }],
      ["apim-le-cache", { stage: "verifying", attempt: 3 }],
    ]);
  });

  it("retries exhausted: failed with the last failure's code, after 1 + --retries pushes", async () => {
    const { runner, shell } = pushing([E503, E503, E429], { retries: "2" });
    const [result] = (await runner.run()).results;
    expect(result).toMatchObject({ status: "failed", error: { code: "RATE_LIMITED" } });
    expect(result?.error?.detail).toContain("429 Too Many Requests");
    expect(shell.argsOf("push")).toEqual([PUSH, PUSH, PUSH]);
    // Removed although the push failed, once, after it.
    // podman pushed the source itself: there is no tag to remove.
    expect(shell.argsOf("rmi")).toEqual([]);
  });

  it("--retries 0: the first failure is final", async () => {
    const { runner, shell, progress } = pushing([E503], { retries: "0" });
    const [result] = (await runner.run()).results;
    expect(result).toMatchObject({ status: "failed", error: { code: "REGISTRY_ERROR" } });
    expect(shell.argsOf("push")).toEqual([PUSH]);
    expect(progress.filter(([, p]) => p.stage === "retrying")).toEqual([]);
  });

  it.each([
    ["Retry-After: 0", 0],
    ["Retry-After: 120", 40],
  ])("429 with %j waits %i ms (the registry's word, capped by the policy)", async (header, delayMs) => {
    const { runner, progress } = pushing([fail(`toomanyrequests: too many requests\n${header}`)], {}, { baseMs: 8, maxMs: 40 });
    expect((await runner.run()).results[0]?.status).toBe("pushed");
    expect(progress.filter(([, p]) => p.stage === "retrying").map(([, p]) => p.delayMs)).toEqual([delayMs]);
  });
});

describe("a permanent failure", () => {
  it.each([
    ["401", E401, "AUTH_REJECTED"],
    ["x509", fail("x509: certificate signed by unknown authority"), "TLS_UNTRUSTED"],
    ["name invalid", fail("Error: NAME_INVALID: invalid repository name"), "NAME_INVALID"],
    ["disk full", fail("write /var/tmp/x: no space left on device"), "DISK_FULL"],
  ])("%s is not retried", async (_what, result, code) => {
    const { runner, shell, progress } = pushing([result]);
    const [outcome] = (await runner.run()).results;
    expect(outcome).toMatchObject({ status: "failed", error: { code } });
    expect(shell.argsOf("push")).toEqual([PUSH]);
    expect(progress.filter(([, p]) => p.stage === "retrying")).toEqual([]);
  });
});

describe("an interrupt during the wait before a retry", () => {
  // pause() returns early on Ctrl-C; push-job.ts must then stop instead of
  // going round its loop for one more whole push (a bug this test caught).
  it("ends the wait at once and starts no further push", async () => {
    const { runner, shell } = pushing([E503, E503, E503], {}, { baseMs: 60_000, maxMs: 60_000 });
    runner.hooks.progress.tap("ctrl-c", (_job, state) => {
      if (state.stage === "retrying") runner.interrupt("SIGINT");
    });
    const started = performance.now();
    const report = await runner.run();
    expect(performance.now() - started).toBeLessThan(5000);
    expect(report.results.map((r) => [r.status, r.error?.code])).toEqual([["failed", "INTERRUPTED"]]);
    expect(shell.argsOf("push")).toEqual([PUSH]);
    expect(shell.mutatingArgs()).toEqual([PUSH]);
  });
});

describe("a failed result", () => {
  // hooks.ts: attempts are "Push attempts made"; a plugin reading the report
  // in `done` must see 4 for an image that failed after four pushes, not 0.
  it("counts the pushes it made", async () => {
    const { runner } = pushing([E503, E503, E503, E503]);
    expect((await runner.run()).results[0]).toMatchObject({ status: "failed", attempts: 4 });
  });
});
