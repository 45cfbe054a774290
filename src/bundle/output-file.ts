/**
 * What `save -o` may write over: nothing but regular files, the archive and
 * its `<file>.sha256` both.
 */
import { statSync, type Stats } from "node:fs";
import { join } from "node:path";
import { inputError } from "../core/errors.ts";

/**
 * Save renames a regular file over its target and writes `<file>.sha256`:
 * a directory fails only after the whole save (EISDIR), and a device node
 * (/dev/null) would be replaced, even as root. Refused up front, --force or not.
 */
export function refuseNonFiles(typed: string, output: string): void {
  const archive = statIfThere(output);
  if (archive && !archive.isFile()) {
    const fix = archive.isDirectory()
      ? `write the archive into it: -o ${join(typed, "apim-images.tar")}`
      : "use -o with a file name, for example -o apim-images.tar";
    throw inputError(
      "OUTPUT_NOT_A_FILE",
      `-o ${typed} is ${kindOf(archive)}, not a regular file; save writes a regular file there`,
      fix,
    );
  }
  const checksum = statIfThere(`${output}.sha256`);
  if (checksum && !checksum.isFile()) {
    throw inputError(
      "OUTPUT_NOT_A_FILE",
      `${typed}.sha256 is ${kindOf(checksum)}, not a regular file; save writes the archive's sha256 there`,
      `move it away (mv ${typed}.sha256 ${typed}.sha256.old), or choose another -o`,
    );
  }
}

function statIfThere(file: string): Stats | undefined {
  try {
    return statSync(file);
  } catch {
    return undefined;
  }
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return "a directory";
  if (stats.isCharacterDevice()) return "a character device";
  if (stats.isBlockDevice()) return "a block device";
  if (stats.isFIFO()) return "a named pipe";
  if (stats.isSocket()) return "a socket";
  return "not a regular file";
}
