/**
 * `<archive>.sha256` beside an archive `save` wrote, in sha256sum's own
 * format, so a copy can be checked with standard tools at every hop into
 * the site: `sha256sum -c apim-images.tar.sha256`. --from-archive checks it
 * too when it is there (src/bundle/open-bundle.ts). The sum comes from the
 * bundle check's own read, not a second pass.
 */
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { failure } from "../core/errors.ts";
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
