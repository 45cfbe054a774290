/**
 * A `save` that can be interrupted on cue. The bed's images are tiny and
 * save in a blink, so a stand-in for the container tool, first on PATH,
 * runs the real `save` (its archive has then streamed into the bundle) and then
 * sleeps; it leaves its pid in a file, so the test knows when to press
 * Ctrl-C and can tell afterwards that the tool stopped it. Every other
 * command goes straight to the real tool, but podman's `info`, which fails
 * so that save takes the layers from `podman save`, not from the storage.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { findOnPath } from "../../bed/tool-path.ts";
import { waitFor } from "../../bed/wait.ts";
import { useBed } from "./bed.ts";
import { storeUntold } from "./damaged-save.ts";
import { testDir, type Tool } from "./local-tools.ts";

export interface SlowSave {
  /** PATH value with the stand-in first. */
  path: string;
  /** Resolves with the stand-in's pid once the real save has finished and it sleeps. */
  sleeping: () => Promise<number>;
}

export function slowSave(tool: Tool): SlowSave {
  const dir = testDir();
  const bedPath = useBed().env.PATH ?? "";
  const marker = join(dir, "sleeping.pid");
  const script = join(dir, tool);
  const real = required(tool, bedPath);
  // The bed's PATH has no mv or sleep (an operator's host may lack them too): name them in full.
  const mv = required("mv", process.env.PATH ?? "");
  const sleep = required("sleep", process.env.PATH ?? "");
  writeFileSync(
    script,
    `#!/bin/sh
${storeUntold(tool)}if [ "$1" = save ]; then
  '${real}' "$@" || exit $?
  echo $$ > '${marker}.tmp' && '${mv}' '${marker}.tmp' '${marker}'
  exec '${sleep}' 120
fi
exec '${real}' "$@"
`,
  );
  chmodSync(script, 0o755);
  return {
    path: `${dir}${delimiter}${bedPath}`,
    sleeping: async () => {
      await waitFor(async () => existsSync(marker), { what: `the stand-in ${tool} save to start sleeping`, timeoutMs: 60_000 });
      return Number(readFileSync(marker, "utf8").trim());
    },
  };
}

/** True while `pid` runs (a zombie, waiting to be reaped, has stopped). */
export function isRunning(pid: number): boolean {
  const stat = procStat(pid);
  return stat !== undefined && stat.state !== "Z";
}

/** The state letter from /proc/<pid>/stat; the command name may hold spaces, so read after its ')'. */
function procStat(pid: number): { state: string } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    return { state: text.slice(text.lastIndexOf(")") + 2).split(" ")[0] ?? "" };
  } catch {
    return undefined;
  }
}

/** `command` on `path`, or a clear failure: the stand-in names every command by its full path. */
function required(command: string, path: string): string {
  const found = findOnPath(command, path);
  if (!found) throw new Error(`${command} is not on PATH (${path})`);
  return found;
}
