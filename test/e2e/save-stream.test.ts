/**
 * `save` takes the container tool's archive through a pipe and gzips each
 * layer straight into the bundle (issue 23). An archive that breaks off
 * mid-stream, or whose layer does not hash to its config's diff_id, fails
 * the save with ARCHIVE_INVALID naming what is wrong and the command that
 * shows why; nothing is left beside -o (the half-written bundle included),
 * nor in the run's temporary directory.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, startCli } from "./helpers/cli.ts";
import { EXIT, expectError } from "./helpers/expect-cli.ts";
import { damagedSave } from "./helpers/damaged-save.ts";
import { interruptSaveUnderway } from "./helpers/save-interrupt.ts";
import { testDir } from "./helpers/local-tools.ts";

const IMAGE = "apim-le-cache";

describe.concurrent("save of a damaged archive", () => {
  it.each(["podman", "docker"] as const)(
    "-c %s, cut short mid-stream: ARCHIVE_INVALID with the save to run by hand, nothing left",
    async (tool) => {
      const dir = testDir();
      const tmp = testDir();
      const stand = damagedSave(tool, "cut");
      const r = await runCli(["save", "-o", join(dir, "images.tar"), "-c", tool, "-i", IMAGE], {
        env: { PATH: stand.path, TMPDIR: tmp },
      });
      const error = expectError(r, EXIT.failed, "ARCHIVE_INVALID");
      expect(error).toContain(`the archive ${tool} save wrote is broken: it ends inside`);
      expect(error).toContain(`Fix: run it by hand to see why: ${tool} save -o /tmp/check.tar apim/${IMAGE}:v6.0.0`);
      expect(readdirSync(dir), "files left beside the bundle").toEqual([]);
      expect(readdirSync(tmp), "files left in the temporary directory").toEqual([]);
    },
  );

  it("a layer that does not hash to its config's diff_id: named with both digests, nothing left", async () => {
    const dir = testDir();
    const stand = damagedSave("podman", "changed-layer");
    const r = await runCli(["save", "-o", join(dir, "images.tar"), "-c", "podman", "-i", IMAGE], {
      env: { PATH: stand.path },
    });
    const error = expectError(r, EXIT.failed, "ARCHIVE_INVALID");
    expect(error).toMatch(/broken: layer \S+ of \S+ hashes to sha256:[0-9a-f]{64}, not sha256:[0-9a-f]{64} as its config says/);
    expect(readdirSync(dir), "files left beside the bundle").toEqual([]);
  });

  it("Ctrl-C while the bundle is half written: exit 130, the partial bundle removed", async () => {
    const dir = testDir();
    const tmp = testDir();
    const stand = damagedSave("podman", "cut-and-held");
    const run = startCli(["save", "-o", join(dir, "images.tar"), "-c", "podman", "-i", IMAGE], {
      env: { PATH: stand.path, TMPDIR: tmp },
    });
    await interruptSaveUnderway(run, dir);
    expect(readdirSync(tmp), "files left in the temporary directory").toEqual([]);
  });
});
