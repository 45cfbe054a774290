/**
 * `save` keeps an existing file unless --force: without it, exit 2 and the
 * file is byte for byte what it was; with it, the file is replaced by the
 * new archive. Neither leaves a temporary file behind. Split parts of the
 * same name count as the file: a bundle never sits beside stale parts.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { useBed } from "./helpers/bed.ts";
import { runCli } from "./helpers/cli.ts";
import { EXIT, expectError, expectSuccess } from "./helpers/expect-cli.ts";
import { testDir } from "./helpers/local-tools.ts";
import { archiveIndex, archiveManifest, partialFiles, shortName } from "./helpers/archive-inspect.ts";

const bed = useBed();
const apim = bed.images.defaults;
const image = "apim-le-cacheloader";

function existingFile(): string {
  const file = join(testDir(), "apim-images.tar");
  writeFileSync(file, "an archive made yesterday\n");
  return file;
}

describe.concurrent("save -o onto an existing file", () => {
  it("without --force: OUTPUT_EXISTS, exit 2, the file unchanged", async () => {
    const file = existingFile();
    const r = await runCli(["save", "-o", file, "-c", "podman", "-i", image]);
    const error = expectError(r, EXIT.invalid, "OUTPUT_EXISTS");
    expect(error).toContain("--force");
    expect(readFileSync(file, "utf8")).toBe("an archive made yesterday\n");
    expect(partialFiles(dirname(file))).toEqual([]);
  });

  it("with --force: replaced by the new archive", async () => {
    const file = existingFile();
    expectSuccess(await runCli(["save", "-o", file, "--force", "-c", "podman", "-i", image]));
    const ref = `${apim.path}/${image}:${apim.tag}`;
    expect((await archiveManifest(file)).flatMap((entry) => (entry.RepoTags ?? []).map(shortName))).toEqual([ref]);
    expect((await archiveIndex(file)).images).toEqual([
      { image, reference: ref, id: apim.podmanIds[image], manifest: expect.stringMatching(/^sha256:/) },
    ]);
    expect(partialFiles(dirname(file))).toEqual([]);
  });

  it("parts of an earlier split bundle: OUTPUT_EXISTS without --force; with it, the single file replaces them", async () => {
    const dir = testDir();
    const file = join(dir, "apim-images.tar");
    for (const part of ["000", "001"]) {
      writeFileSync(`${file}.${part}`, "an old part\n");
      writeFileSync(`${file}.${part}.sha256`, `${"0".repeat(64)}  apim-images.tar.${part}\n`);
    }
    const refused = await runCli(["save", "-o", file, "-c", "podman", "-i", image]);
    expect(expectError(refused, EXIT.invalid, "OUTPUT_EXISTS")).toContain("apim-images.tar.000, apim-images.tar.001");
    expect(readdirSync(dir).sort()).toEqual([
      "apim-images.tar.000",
      "apim-images.tar.000.sha256",
      "apim-images.tar.001",
      "apim-images.tar.001.sha256",
    ]);
    expectSuccess(await runCli(["save", "-o", file, "--force", "-c", "podman", "-i", image]));
    expect(readdirSync(dir).sort()).toEqual(["apim-images.tar", "apim-images.tar.sha256"]);
  });
});
