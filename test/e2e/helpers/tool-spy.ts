/**
 * Stand-ins for podman and docker, first on PATH, that record each call.
 * They either pass the call on to the real tool (to show which tool did the
 * work, or that none was run at all) or fail without running anything.
 */
import { accessSync, chmodSync, constants, existsSync, readFileSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { useBed } from "./bed.ts";
import { testDir } from "./local-tools.ts";

export type SpiedTool = "podman" | "docker";

export interface ToolSpy {
  /** PATH value with the stand-ins first. */
  path: string;
  /** The argument lines each tool was run with, or [] if it never was. */
  calls: (tool: SpiedTool) => string[];
}

/** `passThrough`: run the real tool after recording; otherwise fail with exit 1. */
export function toolSpy(tools: readonly SpiedTool[], passThrough = true): ToolSpy {
  const dir = testDir();
  const bedPath = useBed().env.PATH ?? "";
  const logOf = (tool: SpiedTool) => join(dir, `${tool}.calls`);
  for (const tool of tools) {
    const script = join(dir, tool);
    const then = passThrough
      ? `exec '${realTool(tool, bedPath)}' "$@"`
      : `echo "${tool}: not available in this test" >&2\nexit 1`;
    writeFileSync(script, `#!/bin/sh\necho "$*" >> '${logOf(tool)}'\n${then}\n`);
    chmodSync(script, 0o755);
  }
  return {
    path: `${dir}${delimiter}${bedPath}`,
    calls: (tool) => (existsSync(logOf(tool)) ? readFileSync(logOf(tool), "utf8").split("\n").filter(Boolean) : []),
  };
}

function realTool(tool: SpiedTool, path: string): string {
  for (const dir of path.split(delimiter)) {
    try {
      accessSync(join(dir, tool), constants.X_OK);
      return join(dir, tool);
    } catch {
      // not in this directory
    }
  }
  throw new Error(`${tool} is not on the bed's PATH`);
}
