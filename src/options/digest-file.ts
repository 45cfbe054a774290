/**
 * --digest-file is written when the run ends, after every push: a name that
 * cannot be written there would throw away a whole run's answer. Checked
 * up front instead, with a file of the kind the write makes, so invalid
 * input exits 2 before anything is pushed.
 */
import { closeSync, lstatSync, openSync, rmSync, type Stats } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { inputError } from "../core/errors.ts";
import { partialName } from "../bundle/replace-file.ts";

/** The absolute path of `typed`, once it is known to be writable as a file. */
export function checkDigestFile(typed: string): string {
  if (typed === "") {
    throw inputError(
      "USAGE",
      "--digest-file needs a file name, but it is empty",
      "name a file: --digest-file apim-images.digests",
    );
  }
  const file = resolve(typed);
  // lstat: a symlink there is replaced by the rename, never written through.
  const there = lstatIfThere(file);
  if (there && !there.isFile() && !there.isSymbolicLink()) {
    throw inputError(
      "OUTPUT_NOT_A_FILE",
      `--digest-file ${typed} is ${there.isDirectory() ? "a directory" : "not a regular file"}; the pinned references go to a file`,
      `name a file, for example --digest-file ${there.isDirectory() ? `${typed.replace(/\/$/, "")}/` : ""}apim-images.digests`,
    );
  }
  const probe = partialName(file);
  try {
    closeSync(openSync(probe, "wx"));
    rmSync(probe, { force: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    const why = code === "ENOENT" ? "does not exist" : `cannot be written (${code})`;
    throw inputError(
      "OUTPUT_NOT_WRITABLE",
      `--digest-file ${typed}: its directory ${dirname(file)} ${why}`,
      `choose a directory that exists and that you can write, for example --digest-file /var/tmp/${basename(file)}`,
    );
  }
  return file;
}

function lstatIfThere(file: string): Stats | undefined {
  try {
    return lstatSync(file);
  } catch {
    return undefined;
  }
}
