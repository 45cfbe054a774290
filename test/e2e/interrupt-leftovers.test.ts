/**
 * What an interrupted push leaves on disk. podman copies a layer through
 * TMPDIR while it pushes it; stopped mid-push, it leaves the copy there
 * (hundreds of MB for real images). push-images hands podman a temporary
 * directory of the run's own and removes it at the end, interrupt or not.
 * The image here has a 24 MiB layer and the proxy holds its upload, so
 * Ctrl-C (to the whole process group, as a terminal sends it) lands while
 * podman is in the middle of it.
 */
import { randomBytes } from "node:crypto";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../bed/wait.ts";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { LOOPBACK_FLAGS, sourceFlags } from "./helpers/tool-flags.ts";
import { startCli } from "./helpers/cli.ts";
import { describeRun } from "./helpers/expect-cli.ts";
import { testDir, tool } from "./helpers/local-tools.ts";
import { isBlobUpload, startStandInProxy, type StandInProxy } from "./helpers/stand-in-proxy.ts";

const bed = useBed();
const sourcePath = uniqueName("big");
let proxy: StandInProxy;

beforeAll(async () => {
  const context = testDir();
  writeFileSync(join(context, "payload"), randomBytes(24 * 1024 * 1024));
  writeFileSync(join(context, "Containerfile"), "FROM scratch\nCOPY payload /payload\n");
  await tool("podman", ["build", "--quiet", "--pull=never", "--tag", `${sourcePath}/apim-le-cache:v1`, context]);
  proxy = await startStandInProxy(bed.registries.plain, (req) => (isBlobUpload(req) ? "hold" : undefined));
});

afterAll(async () => {
  await proxy?.close();
  await tool("podman", ["rmi", `${sourcePath}/apim-le-cache:v1`]);
});

describe("podman stopped mid-push", () => {
  it.each(["SIGINT", "SIGTERM"] as const)("%s: nothing is left in TMPDIR", async (signal) => {
    const tmp = testDir();
    const args = [
      "-r",
      `${proxy.registry.host}/${uniqueName()}`,
      ...LOOPBACK_FLAGS.podman,
      ...sourceFlags(sourcePath, ["apim-le-cache"]),
    ];
    const run = startCli(args, { env: { TMPDIR: tmp }, ownGroup: true });
    const uploads = () => proxy.requests().filter((req) => req.answeredByProxy).length;
    const before = uploads();
    await waitFor(async () => uploads() > before, {
      what: "podman to start the layer upload",
      timeoutMs: 60_000,
      intervalMs: 20,
    });
    run.killGroup(signal);
    const r = await run.result;

    expect(r.code, describeRun(r)).toBe(130);
    expect(readdirSync(tmp), `left in TMPDIR\n${describeRun(r)}`).toEqual([]);
  });
});
