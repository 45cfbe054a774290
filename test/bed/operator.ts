/**
 * A non-root operator, as the vendor page promises root is not needed: an
 * ordinary user made with useradd (sub-ids for rootless podman from
 * useradd's own allocation), HOME in the bed, and the bed's dockerd socket
 * opened to the user's group. Its environment is what `su -` gives: no
 * XDG_RUNTIME_DIR, no REGISTRY_AUTH_FILE, no DOCKER_CONFIG; podman runs
 * rootless with its default storage under HOME.
 */
import { chmodSync, chownSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Cleanup } from "./cleanup.ts";
import { run, runRaw } from "./run.ts";
import type { BedOperator } from "./types.ts";
import { waitFor } from "./wait.ts";

/** Creates the operator; `dockerHost` names the bed's dockerd socket, `toolPath` is the bed's PATH. */
export async function createOperator(root: string, dockerHost: string, toolPath: string, cleanup: Cleanup): Promise<BedOperator> {
  // pid: beds of parallel runs must not share a user; user names are capped at 32 characters.
  const user = `pib-op${process.pid}`;
  const home = join(root, "operator");
  // The user only passes through the scratch directory (mkdtemp made it 0700).
  chmodSync(root, 0o711);
  await useradd(user, home);
  cleanup.add(`remove user ${user}`, () => removeUser(user));
  const uid = Number(await run("id", ["-u", user]));
  const gid = Number(await run("id", ["-g", user]));
  cleanup.add(`remove what user ${user} left outside the bed`, () => removeLeftovers(uid));
  if (!subIdsOf(user, "/etc/subuid") || !subIdsOf(user, "/etc/subgid")) {
    throw new Error(
      `test bed: useradd gave ${user} no range in /etc/subuid or /etc/subgid; ` +
        "rootless podman needs one (SUB_UID_COUNT in /etc/login.defs)",
    );
  }
  // As a site does with the docker group: the user's group may use the socket.
  const socket = dockerHost.replace(/^unix:\/\//, "");
  chownSync(socket, 0, gid);
  chmodSync(socket, 0o660);
  return {
    user,
    uid,
    gid,
    home,
    env: { HOME: home, USER: user, LOGNAME: user, SHELL: "/bin/sh", PATH: toolPath, DOCKER_HOST: dockerHost },
  };
}

/** useradd takes a lock on /etc/passwd; parallel beds may hold it for a moment. */
async function useradd(user: string, home: string): Promise<void> {
  const args = ["--home-dir", home, "--create-home", "--shell", "/bin/sh", "--user-group", "--no-log-init", user];
  let last = "";
  await waitFor(
    async () => {
      const r = await runRaw("useradd", args);
      last = r.stderr.trim();
      return r.code === 0;
    },
    { what: `useradd ${user}`, timeoutMs: 20_000, intervalMs: 500, diagnostics: () => last },
  );
}

function subIdsOf(user: string, file: string): boolean {
  return readFileSync(file, "utf8")
    .split("\n")
    .some((line) => line.startsWith(`${user}:`));
}

async function removeUser(user: string): Promise<void> {
  // userdel also frees the user's sub-id ranges; HOME goes with the scratch directory.
  await waitFor(async () => (await runRaw("userdel", [user])).code === 0, {
    what: `userdel ${user}`,
    timeoutMs: 20_000,
    intervalMs: 500,
  });
}

/**
 * Rootless podman keeps a pause process (its user namespace) and a runtime
 * directory in /tmp/podman-run-<uid>; both go, by that pid and that uid.
 */
function removeLeftovers(uid: number): void {
  const runtimeDir = `/tmp/podman-run-${uid}`;
  const pausePid = Number(readIfThere(join(runtimeDir, "libpod/tmp/pause.pid")));
  if (pausePid > 0) {
    try {
      process.kill(pausePid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  for (const dir of ["/tmp", "/var/tmp"]) {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (ownerOf(path) === uid) rmSync(path, { recursive: true, force: true });
    }
  }
}

function readIfThere(file: string): string {
  try {
    return readFileSync(file, "utf8").trim();
  } catch {
    return "";
  }
}

function ownerOf(path: string): number | undefined {
  try {
    return statSync(path).uid;
  } catch {
    return undefined;
  }
}
