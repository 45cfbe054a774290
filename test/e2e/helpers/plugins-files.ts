/**
 * Site plugins as a test sees them: the worked examples of docs/plugins.md,
 * a copy of the program with a `plugins/` directory beside it, and the
 * JSON-lines files plugins write.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { copyProgramTo } from "./cli.ts";
import { testDir } from "./local-tools.ts";

/** examples/plugins: the tests run these very files, so the docs' examples stay true. */
export const EXAMPLES_DIR = resolve(fileURLToPath(new URL(".", import.meta.url)), "../../../examples/plugins");

export interface ProgramWithPlugins {
  /** The copy of the program to pass as CliOptions.program. */
  program: string;
  /** The `plugins/` directory beside it. */
  pluginsDir: string;
}

/**
 * A copy of the program in a fresh directory, with `files` (name -> source
 * text) in `plugins/` beside it, the way a site drops its plugins next to
 * the binary in `<extract-location>/scripts`.
 */
export function programWithPlugins(files: Record<string, string>): ProgramWithPlugins {
  const program = copyProgramTo(testDir());
  const pluginsDir = join(dirname(program), "plugins");
  mkdirSync(pluginsDir);
  for (const [name, source] of Object.entries(files)) writeFileSync(join(pluginsDir, name), source);
  return { program, pluginsDir };
}

/** Writes one plugin file into a fresh directory and returns its path. */
export function pluginFile(name: string, source: string): string {
  const file = join(testDir(), name);
  writeFileSync(file, source);
  return file;
}

/** The objects of a JSON-lines file; [] when the file was never written. */
export function readJsonLines<T = Record<string, unknown>>(file: string): T[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as T);
}
