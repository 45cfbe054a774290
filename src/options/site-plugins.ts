/**
 * Site plugins: every .js, .mjs and .cjs file in `plugins/` beside the
 * program, in name order, then each --plugin file. A plugin exports (default
 * or module.exports) `{ name, apply(runner) }` or `(runner) => void`, and
 * gets everything through `runner`; it imports nothing of ours.
 */
import { existsSync, readdirSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { inputError, PushImagesError } from "../core/errors.ts";
import { contextView, type RunContext } from "../core/run-context.ts";
import { refuseWritableByOthers } from "./plugin-permissions.ts";

const PLUGIN_FILE = /\.(?:js|mjs|cjs)$/;

/** A run that site plugins are applied to: the taps made in `apply` remember `file`, so their errors name it. */
export interface SitePluginHost extends RunContext {
  applyFrom(file: string, apply: () => void): void;
}

/** The files to load, beside-the-program ones first. */
export function sitePluginFiles(programDir: string, explicit: readonly string[], cwd = process.cwd()): string[] {
  const dir = join(programDir, "plugins");
  const beside = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => PLUGIN_FILE.test(f))
        .sort()
        .map((f) => join(dir, f))
    : [];
  return [...beside, ...explicit.map((file) => resolve(cwd, file))];
}

/**
 * Loads and applies each plugin; the first that fails stops the run before
 * anything is touched. A plugin file or directory others may write is
 * refused first (PLUGIN_PERMISSIONS, exit 2). A plugin that cannot be
 * loaded or applied is invalid input (BAD_PLUGIN, exit 2); one that throws
 * later, in a hook, is a failure of the run (PLUGIN_FAILED, exit 1; hooks.ts).
 */
export async function applySitePlugins(runner: SitePluginHost, files: readonly string[]): Promise<void> {
  // All of them before the first is loaded: a refused file must not have run.
  refuseWritableByOthers(files);
  for (const file of files) {
    let name = basename(file);
    const fail = (why: string) => inputError("BAD_PLUGIN", `plugin "${name}" (${file}) ${why}`, `fix or remove ${file}`);
    if (!existsSync(file)) throw fail("does not exist");
    let loaded: unknown;
    try {
      loaded = await import(pathToFileURL(file).href);
    } catch (error) {
      throw fail(`failed to load: ${(error as Error).message}`);
    }
    const plugin = pluginExport(loaded);
    if (typeof plugin === "function") {
      name = plugin.name || name;
    } else if (isPluginObject(plugin)) {
      name = plugin.name;
    } else {
      throw fail("exports neither { name, apply(runner) } nor a function (runner) => void");
    }
    try {
      const view = contextView(runner);
      runner.applyFrom(file, () => (typeof plugin === "function" ? plugin(view) : plugin.apply(view)));
    } catch (error) {
      // Keep our own hint (the list of hooks, for a misspelled one).
      const hint = error instanceof PushImagesError ? ` (${error.hint})` : "";
      throw fail(`failed while applying: ${(error as Error).message}${hint}`);
    }
    runner.log.verbose(`loaded plugin "${name}" from ${file}`);
  }
}

/** `export default x` and `module.exports = x` both arrive as the default export. */
function pluginExport(module: unknown): unknown {
  const record = module as { default?: unknown };
  return record.default ?? module;
}

function isPluginObject(value: unknown): value is { name: string; apply: (runner: RunContext) => void } {
  const record = value as { name?: unknown; apply?: unknown } | null;
  return typeof record === "object" && record !== null && typeof record.name === "string" && typeof record.apply === "function";
}
