/**
 * `save -c podman` reads the layers straight from podman's storage (their
 * tar-split and unpacked files), not through `podman save` (issue 23): the
 * bundle must hold the very layer blobs the `podman save` way gives, and a
 * layer whose stored files no longer hash to its diff_id must not get into
 * a bundle either way.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { archiveNames } from "./helpers/archive-inspect.ts";
import { uniqueName } from "./helpers/bed.ts";
import { runCli, startCli } from "./helpers/cli.ts";
import { damagedSave } from "./helpers/damaged-save.ts";
import { EXIT, expectError, expectSuccess } from "./helpers/expect-cli.ts";
import { forget, freshImage } from "./helpers/fresh-image.ts";
import { testDir, tool } from "./helpers/local-tools.ts";
import { interruptSaveUnderway } from "./helpers/save-interrupt.ts";
import { buildRandomImage } from "./helpers/random-image.ts";

const IMAGE = "apim-le-cache";
const made: string[] = [];
afterAll(async () => {
  for (const id of made) await forget("podman", id);
});

/** The blob names of a bundle: each layer's gzip, each config and manifest. */
async function blobsOf(bundle: string): Promise<string[]> {
  return (await archiveNames(bundle)).filter((name) => name.startsWith("blobs/sha256/")).sort();
}

describe("save from podman's storage", () => {
  it("reads the storage, runs no podman save, and writes the same blobs as podman save's archive gives", async () => {
    const fromStore = join(testDir(), "store.tar");
    const r = await runCli(["save", "-v", "-o", fromStore, "-c", "podman", "-i", IMAGE]);
    expectSuccess(r);
    expect(r.stderr).toMatch(/Reading 1 image\(s\) from podman's storage at \/\S+ \(overlay\)/);
    expect(r.stderr, "podman save is not run").not.toMatch(/^\$ podman save/m);

    const viaSave = join(testDir(), "save.tar");
    const stand = damagedSave("podman", "intact");
    const s = await runCli(["save", "-v", "-o", viaSave, "-c", "podman", "-i", IMAGE], { env: { PATH: stand.path } });
    expectSuccess(s);
    expect(s.stderr).toMatch(/^\$ podman save/m);
    expect(await blobsOf(fromStore)).toEqual(await blobsOf(viaSave));
  });

  it("a stored file changed since its layer was made: found, then podman save's own check fails too; nothing left", async () => {
    const tag = uniqueName("v");
    const id = await freshImage("podman", `apim/${IMAGE}:${tag}`);
    made.push(id);
    const diffDir = await tool("podman", ["image", "inspect", "--format", "{{.GraphDriver.Data.UpperDir}}", id]);
    const payload = join(diffDir.trim(), "payload");
    const bytes = readFileSync(payload);
    bytes[0] = (bytes[0] as number) ^ 0xff;
    writeFileSync(payload, bytes);

    const dir = testDir();
    const r = await runCli(["save", "-v", "-o", join(dir, "images.tar"), "-c", "podman", "-i", IMAGE, "-s", tag]);
    const error = expectError(r, EXIT.failed);
    expect(r.stderr, "the storage was read first").toMatch(
      /Reading podman's storage failed \(podman's storage: layer \S+ of \S+ hashes to sha256:[0-9a-f]{64}, not sha256:[0-9a-f]{64} as its config says\)/,
    );
    expect(r.stderr, "then podman save was asked").toMatch(/^\$ podman save/m);
    expect(error).toContain("podman save failed: reading blob sha256:");
    expect(error).toContain('file integrity checksum failed for "payload"');
    expect(readdirSync(dir), "files left beside the bundle").toEqual([]);
  });

  it("Ctrl-C while a layer is read from the storage: exit 130, the partial bundle removed", async () => {
    const tag = uniqueName("v");
    // Large enough that the read takes a good part of a second: the test presses Ctrl-C in the middle of it.
    made.push(await buildRandomImage(`apim/${IMAGE}:${tag}`, 256 * 1024 * 1024));
    const dir = testDir();
    const run = startCli(["save", "-o", join(dir, "images.tar"), "-c", "podman", "-i", IMAGE, "-s", tag]);
    await interruptSaveUnderway(run, dir, 20);
  });
});
