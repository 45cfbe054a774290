/**
 * A TMPDIR too small for the layer podman copies through it while it
 * pushes (issue 20): DISK_FULL used to name the run's own directory under
 * TMPDIR, removed by the time the message is read, so its `df -h` failed,
 * and never said TMPDIR. It now names TMPDIR, its `df -h` runs, and a
 * TMPDIR with room pushes. TMPDIR here is a 2 MiB tmpfs; the image has an
 * 8 MiB layer of random bytes.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../bed/run.ts";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { runCli } from "./helpers/cli.ts";
import { EXIT, expectError, expectSuccess } from "./helpers/expect-cli.ts";
import { expectImage } from "./helpers/expect-registry.ts";
import { testDir, tool } from "./helpers/local-tools.ts";

const { plain } = useBed().registries;
const sourcePath = uniqueName("full");
const small = join(testDir(), "small");
let imageId = "";

beforeAll(async () => {
  const context = testDir();
  writeFileSync(join(context, "payload"), randomBytes(8 * 1024 * 1024));
  writeFileSync(join(context, "Containerfile"), "FROM scratch\nCOPY payload /payload\n");
  const ref = `${sourcePath}/apim-le-cache:v1`;
  await tool("podman", ["build", "--quiet", "--pull=never", "--tag", ref, context]);
  imageId = `sha256:${(await tool("podman", ["image", "inspect", "--format", "{{.Id}}", ref])).trim()}`;
  mkdirSync(small);
  await run("mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", small]);
});

afterAll(async () => {
  await run("umount", [small]).catch(() => undefined);
  await tool("podman", ["rmi", `${sourcePath}/apim-le-cache:v1`]);
});

describe("TMPDIR too small for a layer", () => {
  it("DISK_FULL names TMPDIR; its df -h works; a TMPDIR with room pushes", async () => {
    const path = uniqueName();
    const args = ["-r", `${plain.host}/${path}`, "-c", "podman", "-t", "-p", sourcePath, "-s", "v1", "-i", "apim-le-cache"];
    const error = expectError(await runCli(args, { env: { TMPDIR: small } }), EXIT.failed, "DISK_FULL");
    expect(error).toContain(`no space left in TMPDIR (${small})`);
    expect(error).toContain(`df -h ${small} shows how much is left`);
    expect(error).toContain("export TMPDIR=");
    await run("df", ["-h", small]);

    expectSuccess(await runCli(args, { env: { TMPDIR: testDir() } }));
    await expectImage(plain, `${path}/apim-le-cache`, "v1", imageId);
  });
});
