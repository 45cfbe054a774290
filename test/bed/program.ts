/**
 * The program under test, installed the way the README tells an operator:
 * one file, `push-images`, in `<extract-location>/scripts/`. By default it
 * is the standalone x64 binary; PUSH_IMAGES_BIN names another build (a
 * `.mjs` is then run by this Node.js). Installed once per run, hard-linked
 * where possible: the binary is about 100 MB.
 */
import { copyFileSync, existsSync, linkSync, mkdirSync } from "node:fs";
import { extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "../..");
export const BUILD_DIR = join(REPO_ROOT, "build");

/** The build the e2e suite runs: PUSH_IMAGES_BIN, else the x64 binary. */
export function programUnderTest(): string {
  return resolve(REPO_ROOT, process.env.PUSH_IMAGES_BIN ?? join(BUILD_DIR, "push-images-linux-x64"));
}

/** A script is run by a JavaScript runtime; anything else is executed directly. */
export function isScript(program: string): boolean {
  return /\.[cm]?js$/.test(program);
}

/**
 * Puts `program` into `<extractDir>/scripts/` as `push-images` (a script
 * keeps its extension, which its runtime needs) and returns the new path.
 */
export function installProgram(program: string, extractDir: string): string {
  if (!existsSync(program)) throw new Error(`${program} does not exist: run \`npm run build\` first`);
  const scripts = join(extractDir, "scripts");
  mkdirSync(scripts, { recursive: true });
  const installed = join(scripts, `push-images${isScript(program) ? extname(program) : ""}`);
  linkOrCopy(program, installed);
  return installed;
}

/** A hard link shares the file's mode (executable); across filesystems it is a copy. */
function linkOrCopy(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EXDEV") throw err;
    copyFileSync(from, to);
  }
}
