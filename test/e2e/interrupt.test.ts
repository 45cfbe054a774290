/**
 * Ctrl-C mid-run (issue 5), with each tool: stand-ins make every push hang
 * after the tool has tagged (docker; podman pushes with no tag), so SIGINT lands while two pushes run (-j 2).
 * The run exits 130 with the report so far (--json and the summary), the
 * hanging pushes are stopped, and neither local storage nor the registry
 * keeps anything of the run: the temporary target tags are gone. The bed's
 * PATH has no `ps`, as on a minimal host: stopping must not need it.
 */
import { describe, expect, it } from "vitest";
import { waitFor } from "../bed/wait.ts";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { startCli, type RunningCli } from "./helpers/cli.ts";
import { describeRun } from "./helpers/expect-cli.ts";
import { expectNoTrace } from "./helpers/expect-registry.ts";
import { expectInterruptedReport } from "./helpers/json-report.ts";
import { localRefs, type Tool } from "./helpers/local-tools.ts";
import { isRunning, stalledPushes } from "./helpers/push-stand-ins.ts";
import { LOOPBACK_FLAGS } from "./helpers/tool-flags.ts";

const bed = useBed();
const { plain } = bed.registries;

const tools = [
  { tool: "podman", flags: LOOPBACK_FLAGS.podman },
  { tool: "docker", flags: LOOPBACK_FLAGS.docker },
] as const;

/** Starts a run whose pushes hang and waits until two of them do; the local tags exist by then. */
async function runUntilTwoPushesHang(tool: Tool, flags: readonly string[], path = uniqueName()) {
  const stalled = stalledPushes(tool);
  const run = startCli(["-r", `${plain.host}/${path}`, ...flags, "-j", "2", "--json"], { env: { PATH: stalled.path } });
  await waitFor(async () => stalled.pids().length === 2, { what: "two pushes to hang", abort: () => ended(run) });
  return { run, path, pids: stalled.pids() };
}

function ended(run: RunningCli): string | undefined {
  return run.running() ? undefined : `the run ended first:\n${run.output().stderr}`;
}

describe.each(tools)("$tool", ({ tool, flags }) => {
  it("SIGINT mid-push: exit 130, the report so far, the pushes stopped, no temporary tag left", async () => {
    const { run, path, pids } = await runUntilTwoPushesHang(tool, flags);
    // docker's temporary tags exist now, so their absence later means they were removed; podman makes none.
    expect(
      (await localRefs(tool)).filter((ref) => ref.includes(path)),
      "temporary tags while pushing",
    ).toHaveLength(tool === "docker" ? 2 : 0);
    run.kill("SIGINT");
    const r = await run.result;

    expect(r.code, describeRun(r)).toBe(130);
    // Every planned image is listed: the two stopped mid-push, and the five the interrupt kept from starting.
    expectInterruptedReport(r, 2, 5);
    expect(r.stderr, "the summary names the interrupt").toMatch(/SIGINT/);
    await waitFor(async () => !pids.some(isRunning), {
      what: `the hanging pushes (pids ${pids.join(", ")}) to be stopped`,
      timeoutMs: 5_000,
    });
    await expectNoTrace(path);
  });
});

describe("on the terminal after Ctrl-C", () => {
  it("only the tool's own report: no Node.js runtime warning", async () => {
    const { run } = await runUntilTwoPushesHang("podman", ["-c", "podman", "-t"]);
    run.kill("SIGINT");
    const r = await run.result;
    expect(r.code, describeRun(r)).toBe(130);
    // Node.js prints its own warnings as "(node:PID) [CODE] ...Warning: ..." on stderr.
    expect(r.stderr, describeRun(r)).not.toMatch(/\(node:\d+\)/);
  });
});
