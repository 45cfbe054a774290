/**
 * Files `save` writes beside -o go under a temporary name in the same
 * directory, created new (O_EXCL: never through a symlink or over a file
 * someone planted there, as root in a shared directory could), then renamed
 * into place: a rename replaces a symlink at the final name, it does not
 * write through it.
 */
import { randomBytes } from "node:crypto";
import { rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** `.<name>.partial-<random>` beside `target`: hidden, and not a name anyone can plant in advance. */
export function partialName(target: string): string {
  return join(dirname(target), `.${basename(target)}.partial-${randomBytes(6).toString("hex")}`);
}

/** Writes `content` to `target` by way of a new file of a partial name, renamed over it. */
export async function replaceFile(target: string, content: string): Promise<void> {
  const partial = partialName(target);
  try {
    await writeFile(partial, content, { flag: "wx" });
    await rename(partial, target);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}
