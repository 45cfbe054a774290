/**
 * `save -o` writes a regular file, and nothing else: a directory, a device
 * node, a named pipe (or such a `<file>.sha256`) is refused up front with
 * OUTPUT_NOT_A_FILE and exit 2, --force or not, and is left as it was.
 * Once, a directory failed with a raw EISDIR after the whole save, and a
 * device node was replaced by a regular file (as root, /dev/null too).
 * Nothing is written through a symlink the run did not make (a planted
 * `<file>.sha256` link once had its target overwritten), and read-only
 * media are refused before the work (once: a raw EROFS after it).
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.ts";
import { uniqueName } from "./helpers/bed.ts";
import { EXIT, expectError, expectSuccess } from "./helpers/expect-cli.ts";
import { forget } from "./helpers/fresh-image.ts";
import { buildRandomImage } from "./helpers/random-image.ts";
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

describe.concurrent("save -o where others could have planted something", () => {
  it("<file>.sha256 planted as a symlink: replaced by the checksum file, the file it pointed at untouched", async () => {
    const dir = testDir();
    const file = join(dir, "apim-images.tar");
    const victim = join(testDir(), "victim");
    writeFileSync(victim, "not to be overwritten\n");
    symlinkSync(victim, `${file}.sha256`);
    expectSuccess(await runCli(["save", "-o", file, ...image]));
    expect(readFileSync(victim, "utf8")).toBe("not to be overwritten\n");
    expect(lstatSync(`${file}.sha256`).isSymbolicLink(), `${file}.sha256 is still a symlink`).toBe(false);
    const sum = createHash("sha256").update(readFileSync(file)).digest("hex");
    expect(readFileSync(`${file}.sha256`, "utf8")).toBe(`${sum}  apim-images.tar\n`);
    expect(readdirSync(dir).sort()).toEqual(["apim-images.tar", "apim-images.tar.sha256"]);
  });

  it("a directory on a read-only file system: refused up front with a fix that writes elsewhere, podman never run", async () => {
    const media = join(testDir(), "media");
    mkdirSync(media);
    execFileSync("mount", ["-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", media]);
    try {
      const { error } = await expectInvalid(["save", "-o", join(media, "apim-images.tar"), ...image], "OUTPUT_NOT_WRITABLE");
      expect(error).toContain(`the directory ${media} is on a read-only file system`);
      expect(error).toContain("Fix: write the bundle to writable media, for example -o /var/tmp/apim-images.tar");
      expect(error).not.toContain("EROFS:");
    } finally {
      execFileSync("umount", [media]);
    }
  });

  it("media that fill up while the bundle is written: the save fails naming the full disk, nothing left there", async () => {
    const tag = uniqueName("v");
    const id = await buildRandomImage(`apim/apim-le-cacheloader:${tag}`, 4 * 1024 * 1024);
    const media = join(testDir(), "small-media");
    mkdirSync(media);
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", media]);
    try {
      const r = await runCli(["save", "-v", "-o", join(media, "apim-images.tar"), ...image, "-s", tag]);
      const error = expectError(r, EXIT.failed, "DISK_FULL");
      expect(error).toContain(media);
      expect(r.stderr, "podman's storage was read, and podman save not tried after the disk filled").toContain(
        "Reading 1 image(s) from podman's storage",
      );
      expect(r.stderr).not.toMatch(/^\$ podman save/m);
      expect(readdirSync(media), "files left on the media").toEqual([]);
    } finally {
      execFileSync("umount", [media]);
      await forget("podman", id);
    }
  });
});
