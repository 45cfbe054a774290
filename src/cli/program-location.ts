/**
 * Where the running program lives, so `plugins/` and
 * `product-defaults.json` are found beside it and not beside the working
 * directory. A standalone binary is its own executable; a script is argv[1].
 */
import { realpathSync } from "node:fs";
import { dirname } from "node:path";

export function programDirectory(): string {
  const file = isStandaloneBinary() ? process.execPath : (process.argv[1] ?? process.execPath);
  try {
    return dirname(realpathSync(file));
  } catch {
    return dirname(file);
  }
}

/** True inside the pkg-built binary (a Node single executable application). */
export function isStandaloneBinary(): boolean {
  // pkg's SEA mode and Node's own single executable applications both
  // report through node:sea; older runtimes do not have the module.
  try {
    const sea = process.getBuiltinModule?.("node:sea") as { isSea?: () => boolean } | undefined;
    return sea?.isSea?.() ?? false;
  } catch {
    return false;
  }
}
