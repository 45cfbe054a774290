/**
 * `<archive>.sha256` beside an archive `save` wrote, in sha256sum's own
 * format, so a copy can be checked with standard tools at every hop into
 * the site: `sha256sum -c apim-images.tar.sha256`. `save` takes the sum
 * from its bundle check's own read, not a second pass. --from-archive
 * checks every blob it sends instead of the whole file up front, and uses
 * the `.sha256` to name the file a damaged blob or tar header sits in
 * (src/bundle/open-bundle.ts); a line that is no sha256sum line is refused up front.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { failure, type PushImagesError } from "../core/errors.ts";
import { replaceFile } from "./replace-file.ts";

/**
 * Writes `<file>.sha256` naming the file by its base name (checked from its
 * own directory), replacing whatever is there, a symlink included; returns its path.
 */
export async function writeChecksumFile(file: string, sha256: string): Promise<string> {
  const checksumFile = `${file}.sha256`;
  await replaceFile(checksumFile, `${sha256}  ${basename(file)}\n`);
  return checksumFile;
}

/** The sum `<file>.sha256` records for the file, or undefined when there is no such file. */
export async function readChecksumFile(file: string): Promise<{ checksumFile: string; sha256: string } | undefined> {
  const checksumFile = `${file}.sha256`;
  let text: string;
  try {
    text = await readFile(checksumFile, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw failure(
      "ARCHIVE_INVALID",
      `${checksumFile} cannot be read: ${(error as Error).message}`,
      `check its permissions, or remove it to push without it`,
    );
  }
  // sha256sum's line: the sum, then " " and " " or "*", then the name.
  const sha256 = /^([0-9a-f]{64}) [ *]/i.exec(text)?.[1]?.toLowerCase();
  if (!sha256)
    throw failure(
      "ARCHIVE_INVALID",
      `${checksumFile} is not a sha256sum line for ${basename(file)}`,
      `make it again on the original (sha256sum ${basename(file)} > ${basename(checksumFile)}), or remove it`,
    );
  return { checksumFile, sha256 };
}

/** ARCHIVE_INVALID saying `file` (whose sha256 is `sha256`) is not what its `.sha256` records. */
export function checksumMismatch(file: string, sha256: string, recorded: { checksumFile: string; sha256: string }) {
  return failure(
    "ARCHIVE_INVALID",
    `${file} does not match ${recorded.checksumFile}: its sha256 is ${sha256}, not ${recorded.sha256}`,
    `copy ${basename(file)} again from the original and check it (sha256sum -c ` +
      `${basename(recorded.checksumFile)}), or remove ${recorded.checksumFile} if it belongs to another file`,
  );
}

/** The mismatch of the first of `files` that differs from its `.sha256` (each hashed whole); undefined when none does. */
export async function blameByChecksums(files: readonly string[]): Promise<PushImagesError | undefined> {
  for (const file of files) {
    const recorded = await readChecksumFile(file).catch(() => undefined);
    if (!recorded) continue;
    const hash = createHash("sha256");
    for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
    const sha256 = hash.digest("hex");
    if (sha256 !== recorded.sha256) return checksumMismatch(file, sha256, recorded);
  }
  return undefined;
}
