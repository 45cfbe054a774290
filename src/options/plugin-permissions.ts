/**
 * Plugins run as whoever runs push-images, often root. As ssh does with
 * keys, a plugin file, or the directory holding it (`plugins/` beside the
 * program), that a user other than root and the one running may write is
 * refused before anything is loaded: whoever can write it could run code
 * as that user.
 */
import { statSync, type Stats } from "node:fs";
import { dirname } from "node:path";
import { userInfo } from "node:os";
import { inputError, type PushImagesError } from "../core/errors.ts";
import { formatCommand } from "../engine/command-text.ts";

const GROUP_OR_OTHERS_WRITE = 0o022;
/** The sticky bit: in such a directory (/tmp) nobody renames or deletes a file another user owns. */
const STICKY = 0o1000;

/** Throws PLUGIN_PERMISSIONS for the first of `files`, or of their directories, that others may write. */
export function refuseWritableByOthers(files: readonly string[], uid = process.getuid?.() ?? 0): void {
  for (const file of files) {
    const fileStats = statSync(file, { throwIfNoEntry: false });
    if (!fileStats) continue; // A missing file is BAD_PLUGIN, said when it is loaded.
    const fileProblem = problem(file, "file", fileStats, uid);
    if (fileProblem) throw fileProblem;
    const dir = dirname(file);
    const dirStats = statSync(dir, { throwIfNoEntry: false });
    const dirProblem = dirStats && !(dirStats.mode & STICKY) ? problem(dir, "directory", dirStats, uid) : undefined;
    if (dirProblem) throw dirProblem;
  }
}

function problem(path: string, kind: "file" | "directory", stats: Stats, uid: number): PushImagesError | undefined {
  const what = `the plugin ${kind} ${path}`;
  const writable = (stats.mode & GROUP_OR_OTHERS_WRITE) !== 0;
  const chmod = formatCommand("chmod", ["go-w", path]);
  if (stats.uid !== 0 && stats.uid !== uid) {
    // Made the runner's own; root needs no sudo, and a minimal host may lack it.
    const sudo = uid === 0 ? "" : "sudo ";
    const chown = `${sudo}${formatCommand("chown", [userName(uid), path])}`;
    return inputError(
      "PLUGIN_PERMISSIONS",
      `${what} belongs to user ${stats.uid}, neither root nor you (${userName(uid)}): that user could change what runs as you`,
      writable ? `${chown} && ${sudo}${chmod}` : chown,
    );
  }
  if (writable) {
    const mode = (stats.mode & 0o7777).toString(8).padStart(4, "0");
    return inputError(
      "PLUGIN_PERMISSIONS",
      `${what} may be written by users other than root and its owner (mode ${mode}): they could change what runs as you`,
      chmod,
    );
  }
  return undefined;
}

/** The running user's name where the system knows it, else the number (which chown takes too). */
function userName(uid: number): string {
  try {
    return userInfo().username;
  } catch {
    return String(uid);
  }
}
