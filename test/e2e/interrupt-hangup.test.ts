/**
 * SIGHUP, as when the ssh session that started a push drops (issue 20):
 * an interrupt like Ctrl-C. docker pushes hang (stand-ins) after the tool
 * has tagged, so the signal lands while two pushes run (-j 2) and two
 * temporary target tags exist. The run stops them, removes the tags and
 * its temporary directory, and ends with 130 and the report, even when the
 * terminal is already gone and every write to stdout and stderr fails.
 */
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { PRODUCT_IMAGES } from "../bed/product.ts";
import { waitFor } from "../bed/wait.ts";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { startCli } from "./helpers/cli.ts";
import { describeRun } from "./helpers/expect-cli.ts";
import { expectNoTrace } from "./helpers/expect-registry.ts";
import { expectInterruptedReport, jsonImages } from "./helpers/json-report.ts";
import { localRefs, testDir } from "./helpers/local-tools.ts";
import { isRunning, stalledPushes } from "./helpers/push-stand-ins.ts";
import { LOOPBACK_FLAGS } from "./helpers/tool-flags.ts";

const { plain } = useBed().registries;

/** A docker run whose pushes hang, started with its own TMPDIR; resolves once two pushes hang and their tags exist. */
async function hangingDockerRun() {
  const stalled = stalledPushes("docker");
  const path = uniqueName();
  const tmp = testDir();
  const run = startCli(["-r", `${plain.host}/${path}`, ...LOOPBACK_FLAGS.docker, "-j", "2", "--json"], {
    env: { PATH: stalled.path, TMPDIR: tmp },
  });
  await waitFor(async () => stalled.pids().length === 2, {
    what: "two pushes to hang",
    abort: () => (run.running() ? undefined : `the run ended first:\n${run.output().stderr}`),
  });
  // The temporary tags exist now, so their absence later means they were removed.
  expect(
    (await localRefs("docker")).filter((ref) => ref.includes(path)),
    "temporary tags while pushing",
  ).toHaveLength(2);
  return { run, path, tmp, pids: stalled.pids() };
}

describe("SIGHUP mid-push with docker", () => {
  it("exit 130, every planned image in --json, the pushes stopped, no temporary tag or file left", async () => {
    const { run, path, tmp, pids } = await hangingDockerRun();
    run.kill("SIGHUP");
    const r = await run.result;

    expect(r.code, describeRun(r)).toBe(130);
    expect(r.stderr, describeRun(r)).toMatch(/^Stopped: interrupted by SIGHUP during pushing; 0 of 7 at the target/m);
    const images = jsonImages(r);
    expect(images.map((entry) => entry.image).sort(), describeRun(r)).toEqual([...PRODUCT_IMAGES].sort());
    expectInterruptedReport(r, 2, 5);
    const json = JSON.parse(r.stdout) as { interrupted: unknown };
    expect(json.interrupted).toEqual({ signal: "SIGHUP", during: "pushing" });
    await waitFor(async () => !pids.some(isRunning), {
      what: `the hanging pushes (${pids.join(", ")}) to stop`,
      timeoutMs: 5_000,
    });
    await expectNoTrace(path);
    expect(readdirSync(tmp), "left in TMPDIR").toEqual([]);
  });

  it("with the terminal gone (every write fails): still cleans up and exits 130", async () => {
    const { run, path, tmp } = await hangingDockerRun();
    run.closeOutput();
    run.kill("SIGHUP");
    const r = await run.result;

    expect(r.code, describeRun(r)).toBe(130);
    await expectNoTrace(path);
    expect(readdirSync(tmp), "left in TMPDIR").toEqual([]);
  });
});
