/**
 * `save` writes `<archive>.sha256` beside the archive, in sha256sum's
 * format: GNU sha256sum checks a copy with it, and the summary shows the
 * sum and that command. With --force the sum follows the new archive.
 * --from-archive checks an archive against the `.sha256` beside it, when
 * there is one, before anything is loaded.
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

  it("matching: says so, then pushes", async () => {
    const archive = await saved();
    const path = uniqueName();
    const r = await runCli(["--from-archive", archive, "-r", `${plain.host}/${path}`, "-c", "podman", "-t", "-i", image]);
    expectSuccess(r);
    expect(r.stderr).toContain(`${archive} matches ${archive}.sha256`);
    await expectPushed(plain, path, apim.tag, { [image]: apim.podmanIds[image] ?? "" });
  });

  it.each([
    ["another sum", (archive: string) => `${"ab".repeat(32)}  ${archive}\n`, "does not match"],
    ["no sum at all", () => "made by hand\n", "is not a sha256sum line"],
  ])("%s: ARCHIVE_INVALID naming the .sha256, nothing loaded or pushed", async (_, content, says) => {
    const archive = await saved();
    writeFileSync(`${archive}.sha256`, content("apim-images.tar"));
    const spy = toolSpy(["podman"]);
    const path = uniqueName();
    const r = await runCli(["--from-archive", archive, "-r", `${plain.host}/${path}`, "-c", "podman", "-t", "-i", image], {
      env: { PATH: spy.path },
    });
    const error = expectError(r, EXIT.failed, "ARCHIVE_INVALID");
    expect(error).toContain(`${archive}.sha256`);
    expect(error).toContain(says);
    expect(spy.calls("podman").filter((call) => /^(load|tag|push)\b/.test(call))).toEqual([]);
    await expectNoTrace(path);
  });
});
