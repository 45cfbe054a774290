/**
 * A private podman storage: images, engine state, login file and HOME all
 * live under one directory, so the bench neither sees nor changes the
 * machine's images, and removing the directory removes everything it made.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Cleanup } from "./cleanup.ts";
import { timed } from "./processes.ts";

export interface PodmanStorage {
  /** The environment under which podman, the seed loop and the tool run. */
  readonly env: NodeJS.ProcessEnv;
  readonly dir: string;
}

export function createPodmanStorage(dir: string, cleanup: Cleanup): PodmanStorage {
  const home = join(dir, "home");
  mkdirSync(home, { recursive: true });
  const storageConf = join(dir, "storage.conf");
  writeFileSync(
    storageConf,
    `[storage]\ndriver = "overlay"\ngraphroot = "${join(dir, "graph")}"\nrunroot = "${join(dir, "run")}"\n`,
  );
  // podman keeps engine state in /run/libpod and takes a lock in
  // /etc/containers/networks on every call unless told otherwise.
  const containersConf = join(dir, "containers.conf");
  writeFileSync(
    containersConf,
    [
      "[engine]",
      `tmp_dir = "${join(dir, "tmp")}"`,
      'events_logger = "file"',
      `events_logfile_path = "${join(dir, "events.log")}"`,
      "[network]",
      `network_config_dir = "${join(dir, "networks")}"`,
    ].join("\n") + "\n",
  );
  // podman 4.3 refuses every push when REGISTRY_AUTH_FILE names a missing file.
  const authFile = join(dir, "auth.json");
  writeFileSync(authFile, '{"auths": {}}\n');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    CONTAINERS_STORAGE_CONF: storageConf,
    CONTAINERS_CONF: containersConf,
    REGISTRY_AUTH_FILE: authFile,
    // Plain progress lines from the tool, whatever the bench's own terminal is.
    NO_COLOR: "1",
  };
  cleanup.add(`remove podman storage ${dir}`, () => removeStorage(dir, env));
  return { env, dir };
}

/** Removes every image of the storage (between runs that must start from an empty one). */
export async function emptyStorage(storage: PodmanStorage): Promise<void> {
  await timed("podman", ["rmi", "--all", "--force"], { env: storage.env });
}

async function removeStorage(dir: string, env: NodeJS.ProcessEnv): Promise<void> {
  // overlay leaves mounts and files only podman's own reset removes cleanly.
  await timed("podman", ["system", "reset", "--force"], { env, timeoutMs: 120_000 });
  for (const mountPoint of mountsUnder(dir)) await timed("umount", ["--lazy", mountPoint]);
  rmSync(dir, { recursive: true, force: true });
}

/** Mount points under `dir`, deepest first. */
function mountsUnder(dir: string): string[] {
  return readFileSync("/proc/self/mounts", "utf8")
    .split("\n")
    .map((line) =>
      (line.split(" ")[1] ?? "").replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8))),
    )
    .filter((mountPoint) => mountPoint === dir || mountPoint.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
}
