/**
 * Ctrl-C during `save`: exit 130, the container tool's save is stopped,
 * and nothing is left under the final name, nor a temporary file beside
 * it or in the run's temporary directory. The save is held open by a
 * stand-in tool (helpers/archive-slow-save) so the interrupt lands once the
 * tool's archive has streamed into the partial bundle.
 */
import { readdirSync } from "node:fs";
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
    // The layers go into the bundle as the tool's archive streams by: the partial bundle is beside -o.
    await waitFor(async () => readdirSync(dir).some((name) => name.startsWith(".apim-images.tar.partial-")), {
      what: "the partial bundle beside -o",
      timeoutMs: 10_000,
    });
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
