/**
 * The PATH the program under test gets: a directory of symlinks to exactly
 * what an operator's host offers and the tool may use, and no `node`, so
 * every e2e run proves the standalone binary needs no Node.js on the host.
 * Tests and the bed's own podman and docker calls use the same PATH.
 */
import { accessSync, constants, mkdirSync, symlinkSync } from "node:fs";
import { delimiter, join } from "node:path";

/** Each command, the Debian package that has it, and why the tool may run it. */
const HOST_COMMANDS: Record<string, { pkg: string; why: string }> = {
  podman: { pkg: "podman", why: "a container tool" },
  docker: { pkg: "docker.io", why: "a container tool" },
  bash: { pkg: "bash", why: "zx sets its shell up with bash" },
  sh: { pkg: "dash", why: "every host has it; wrapper and helper scripts run under it" },
  // podman looks them up on PATH; without them a rootless user gets only its own uid.
  newuidmap: { pkg: "uidmap", why: "rootless podman maps the sub-uids with it" },
  newgidmap: { pkg: "uidmap", why: "rootless podman maps the sub-gids with it" },
  // Not ps: minimal hosts lack procps, and the tool stops a command's process
  // group by signal without it (interrupt.test.ts runs with this PATH).
};

/** Creates `dir` with a symlink per HOST_COMMANDS entry, found on this process's PATH. */
export function makeToolPath(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const missing: string[] = [];
  for (const [command, { pkg }] of Object.entries(HOST_COMMANDS)) {
    const found = findOnPath(command, process.env.PATH ?? "");
    if (found) symlinkSync(found, join(dir, command));
    else missing.push(`${command} (${pkg})`);
  }
  if (missing.length) throw new Error(`test bed: not on PATH: ${missing.join(", ")}; see .ci/run`);
  return dir;
}

/** The first executable `command` on `path`, as a shell would pick it. */
export function findOnPath(command: string, path: string): string | undefined {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return join(dir, command);
    } catch {
      // not in this directory
    }
  }
  return undefined;
}
