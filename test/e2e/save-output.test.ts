/**
 * `save -o` writes a regular file, and nothing else: a directory, a device
 * node, a named pipe (or such a `<file>.sha256`) is refused up front with
 * OUTPUT_NOT_A_FILE and exit 2, --force or not, and is left as it was.
 * Once, a directory failed with a raw EISDIR after the whole save, and a
 * device node was replaced by a regular file (as root, /dev/null too).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expectInvalid } from "./helpers/expect-invalid.ts";
import { testDir } from "./helpers/local-tools.ts";

const image = ["-c", "podman", "-i", "apim-le-cacheloader"];

describe.concurrent("save -o onto something that is not a regular file", () => {
  it.each([[[]], [["--force"]]])("a directory %j: refused, the fix writes into it, the directory stays empty", async (force) => {
    const dir = join(testDir(), "archives");
    mkdirSync(dir);
    const { error } = await expectInvalid(["save", "-o", dir, ...force, ...image], "OUTPUT_NOT_A_FILE");
    expect(error).toContain(`-o ${dir} is a directory`);
    expect(error).toContain(`Fix: write the archive into it: -o ${join(dir, "apim-images.tar")}`);
    expect(error).not.toContain("EISDIR");
    expect(readdirSync(dir)).toEqual([]);
  });

  it("a character device node with --force: refused, still the device afterwards", async () => {
    // A private /dev/null (char 1:3): the test never risks the real one.
    const node = join(testDir(), "null");
    execFileSync("mknod", [node, "c", "1", "3"]);
    const { error } = await expectInvalid(["save", "-o", node, "--force", ...image], "OUTPUT_NOT_A_FILE");
    expect(error).toContain(`-o ${node} is a character device, not a regular file`);
    expect(statSync(node).isCharacterDevice(), `${node} is still a character device`).toBe(true);
  });

  it("a named pipe with --force: refused, still the pipe afterwards", async () => {
    const fifo = join(testDir(), "pipe");
    execFileSync("mkfifo", [fifo]);
    await expectInvalid(["save", "-o", fifo, "--force", ...image], "OUTPUT_NOT_A_FILE");
    expect(statSync(fifo).isFIFO()).toBe(true);
  });

  it("<file>.sha256 is a directory: refused before the save, not after it", async () => {
    const file = join(testDir(), "apim-images.tar");
    mkdirSync(`${file}.sha256`);
    const { error } = await expectInvalid(["save", "-o", file, ...image], "OUTPUT_NOT_A_FILE");
    expect(error).toContain(`${file}.sha256 is a directory`);
    expect(readdirSync(`${file}.sha256`)).toEqual([]);
  });
});
