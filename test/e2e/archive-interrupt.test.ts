/**
 * Ctrl-C during `save`: exit 130, the container tool's save is stopped,
 * and nothing is left under the final name, nor a temporary file beside
 * it or in the run's temporary directory (where the tool's own archive
 * goes). The save is held open by a stand-in tool (helpers/archive-slow-save)
 * so the interrupt lands while the tool's archive is on disk.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { waitFor } from "../bed/wait.ts";
import { startCli } from "./helpers/cli.ts";
import { describeRun } from "./helpers/expect-cli.ts";
import { testDir } from "./helpers/local-tools.ts";
import { isRunning, slowSave } from "./helpers/archive-slow-save.ts";

describe.concurrent("save interrupted by SIGINT", () => {
  it.each(["podman", "docker"] as const)("-c %s: exit 130, no archive and no leftovers", async (tool) => {
    const dir = testDir();
    const tmp = testDir();
    const output = join(dir, "apim-images.tar");
    const stand = slowSave(tool);
    const cli = startCli(["save", "-o", output, "-c", tool], { env: { PATH: stand.path, TMPDIR: tmp } });

    const sleeper = await Promise.race([
      stand.sleeping(),
      cli.result.then((r) => {
        throw new Error(`save ended before it could be interrupted\n${describeRun(r)}`);
      }),
    ]);
    const saved = readdirSync(tmp).map((run) => join(tmp, run, "save", "images.tar"));
    expect(
      saved.filter((file) => existsSync(file)),
      "the tool's archive is on disk in the run's temporary directory when Ctrl-C comes",
    ).toHaveLength(1);
    cli.kill("SIGINT");
    const r = await cli.result;

    expect(r.code, describeRun(r)).toBe(130);
    expect(readdirSync(dir), "files left in the output directory").toEqual([]);
    expect(readdirSync(tmp), "files left in the temporary directory").toEqual([]);
    await waitFor(async () => !isRunning(sleeper), {
      what: `the stopped ${tool} save (pid ${sleeper}) to end`,
      timeoutMs: 5_000,
    });
  });
});
