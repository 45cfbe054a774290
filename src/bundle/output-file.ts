/**
 * What `save -o` may write over: nothing but regular files, the archive and
 * its `<file>.sha256` both; and only in a directory it can write.
 */
import { closeSync, openSync, rmSync, statSync, type Stats } from "node:fs";
import { basename, dirname, join } from "node:path";
import { inputError } from "../core/errors.ts";
import { partialName } from "./replace-file.ts";

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

/**
 * A save onto read-only media (a DVD, a write-protected stick) or into a
 * directory the user may not write did all its work, then failed with a raw
 * EROFS or EACCES: tried up front with a file of the kind save writes there.
 */
export function refuseUnwritable(typed: string, output: string): void {
  const dir = dirname(output);
  const probe = partialName(output);
  try {
    closeSync(openSync(probe, "wx"));
    rmSync(probe, { force: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "EROFS" ? "is on a read-only file system" : `cannot be written (${code ?? String(error)})`;
    const elsewhere = `-o /var/tmp/${basename(output)}`;
    const fix =
      code === "EROFS"
        ? `write the bundle to writable media, for example ${elsewhere}, and copy it over after; ` +
          `or remount it read-write: mount -o remount,rw "$(df --output=target ${dir} | tail -1)"`
        : `choose a directory you can write, for example ${elsewhere}`;
    throw inputError("OUTPUT_NOT_WRITABLE", `-o ${typed}: the directory ${dir} ${why}; save writes the bundle there`, fix);
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
