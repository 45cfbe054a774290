/** The tool's version, put in by the build from package.json. */
import { isStandaloneBinary } from "./program-location.ts";

declare const PUSH_IMAGES_VERSION: string | undefined;

export const VERSION: string = typeof PUSH_IMAGES_VERSION === "string" ? PUSH_IMAGES_VERSION : "0.0.0-dev";

/** `--version`, and with -v the runtime it runs on (embedded Node, Node or Deno) and the platform. */
export function versionText(verbose: boolean): string {
  if (!verbose) return VERSION;
  const deno = (globalThis as { Deno?: { version?: { deno?: string } } }).Deno?.version?.deno;
  const runtime = deno ? `Deno ${deno}` : `Node.js ${process.version}${isStandaloneBinary() ? " (embedded)" : ""}`;
  return `push-images ${VERSION}\nruntime: ${runtime}\nplatform: ${process.platform}-${process.arch}`;
}
