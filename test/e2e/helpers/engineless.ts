/**
 * The air-gapped host of the bundle workflow: a PATH with the shells zx
 * needs (bash, sh) and no container engine, so a run that reached for
 * podman or docker would fail.
 */
import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { findOnPath } from "../../bed/tool-path.ts";
import { testDir } from "./local-tools.ts";

export function enginelessPath(): string {
  const dir = join(testDir(), "bin");
  mkdirSync(dir);
  for (const command of ["bash", "sh"]) {
    const found = findOnPath(command, process.env.PATH ?? "");
    if (!found) throw new Error(`${command} is not on PATH`);
    symlinkSync(found, join(dir, command));
  }
  return dir;
}
