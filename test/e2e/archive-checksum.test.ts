/**
 * `save` writes `<archive>.sha256` beside the archive, in sha256sum's
 * format: GNU sha256sum checks a copy with it, and the summary shows the
 * sum and that command. With --force the sum follows the new archive.
 * --from-archive checks each blob as it sends it, not the whole archive
 * first: a `.sha256` that is no sha256sum line is refused up front, and
 * the sum names the file when a blob turns out damaged.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { runCli } from "./helpers/cli.ts";
import { EXIT, expectError, expectSuccess } from "./helpers/expect-cli.ts";
import { manifestPuts, requestsUnder } from "./helpers/access-log.ts";
import { expectNoTrace, expectPushed } from "./helpers/expect-registry.ts";
import { testDir } from "./helpers/local-tools.ts";
import { toolSpy } from "./helpers/tool-spy.ts";

const bed = useBed();
const { plain } = bed.registries;
const apim = bed.images.defaults;

const image = "apim-le-cache";
const sha256Of = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

async function save(file: string, ...flags: string[]) {
  const r = await runCli(["save", "-o", file, "-c", "podman", "-i", image, ...flags]);
  expectSuccess(r);
  return r;
}

describe("save writes a checksum file", () => {
  it("that sha256sum -c accepts for a copy, and the summary names it", async () => {
    const dir = testDir();
    const archive = join(dir, "apim-images.tar");
    const r = await save(archive);
    const sum = sha256Of(archive);
    expect(readFileSync(`${archive}.sha256`, "utf8")).toBe(`${sum}  apim-images.tar\n`);
    expect(r.stderr).toContain(sum);
    expect(r.stderr).toContain("sha256sum -c apim-images.tar.sha256");

    // The operator's copy on the far side, checked with the standard tool.
    const far = join(dir, "usb-stick");
    mkdirSync(far);
    for (const name of ["apim-images.tar", "apim-images.tar.sha256"]) copyFileSync(join(dir, name), join(far, name));
    const { stdout } = await promisify(execFile)("sha256sum", ["-c", "apim-images.tar.sha256"], { cwd: far });
    expect(stdout.trim()).toBe("apim-images.tar: OK");
  });

  it("follows the new archive with --force", async () => {
    const archive = join(testDir(), "apim-images.tar");
    writeFileSync(archive, "an archive made yesterday\n");
    writeFileSync(`${archive}.sha256`, `${"0".repeat(64)}  apim-images.tar\n`);
    await save(archive, "--force");
    expect(readFileSync(`${archive}.sha256`, "utf8")).toBe(`${sha256Of(archive)}  apim-images.tar\n`);
  });
});

describe("--from-archive and the .sha256 beside the archive", () => {
  async function saved(): Promise<string> {
    const archive = join(testDir(), "apim-images.tar");
    await save(archive);
    return archive;
  }

  /** The archive with one byte flipped inside its (gzip) layer, checked as it is sent. */
  function damageLayer(archive: string): void {
    const bytes = readFileSync(archive);
    const at = bytes.indexOf(Buffer.from([0x1f, 0x8b, 0x08])) + 100;
    bytes[at] = (bytes[at] as number) ^ 0xff;
    writeFileSync(archive, bytes);
  }

  it("matching: pushes, without reading the archive twice to compare it", async () => {
    const archive = await saved();
    const path = uniqueName();
    const r = await runCli(["--from-archive", archive, "-r", `${plain.host}/${path}`, "-c", "podman", "-t", "-i", image]);
    expectSuccess(r);
    expect(r.stderr).toContain("each blob is checked as it is sent");
    await expectPushed(plain, path, apim.tag, { [image]: apim.podmanIds[image] ?? "" });
  });

  it("another sum and a damaged layer: ARCHIVE_INVALID names the .sha256 the archive differs from, no image pushed", async () => {
    const archive = await saved();
    damageLayer(archive);
    writeFileSync(`${archive}.sha256`, `${"ab".repeat(32)}  apim-images.tar\n`);
    const path = uniqueName();
    const r = await runCli(["--from-archive", archive, "-r", `${plain.host}/${path}`, "-c", "podman", "-t", "-i", image]);
    const error = expectError(r, EXIT.failed, "ARCHIVE_INVALID");
    expect(error).toContain(`${archive} does not match ${archive}.sha256`);
    expect(manifestPuts(requestsUnder(plain, path))).toEqual([]);
  });

  it("no sum at all: ARCHIVE_INVALID naming the .sha256, nothing loaded or pushed", async () => {
    const archive = await saved();
    writeFileSync(`${archive}.sha256`, "made by hand\n");
    const spy = toolSpy(["podman"]);
    const path = uniqueName();
    const r = await runCli(["--from-archive", archive, "-r", `${plain.host}/${path}`, "-c", "podman", "-t", "-i", image], {
      env: { PATH: spy.path },
    });
    const error = expectError(r, EXIT.failed, "ARCHIVE_INVALID");
    expect(error).toContain(`${archive}.sha256`);
    expect(error).toContain("is not a sha256sum line");
    expect(spy.calls("podman").filter((call) => /^(load|tag|push)\b/.test(call))).toEqual([]);
    await expectNoTrace(path);
  });
});
