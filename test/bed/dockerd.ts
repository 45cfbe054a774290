/**
 * A private dockerd: its own data and exec roots and socket, no bridge and
 * no iptables changes, so it neither touches the machine's docker nor needs
 * a network. Clients reach it with DOCKER_HOST.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Cleanup } from "./cleanup.ts";
import { Daemon } from "./daemon.ts";
import { runRaw } from "./run.ts";
import { waitFor } from "./wait.ts";

export interface StartedDockerd {
  /** `unix:///.../docker.sock`, the value for DOCKER_HOST. */
  dockerHost: string;
}

export async function startDockerd(
  dir: string,
  insecureRegistries: readonly string[],
  cleanup: Cleanup,
): Promise<StartedDockerd> {
  mkdirSync(dir, { recursive: true });
  const dockerHost = `unix://${join(dir, "docker.sock")}`;
  // An empty config file keeps a machine's /etc/docker/daemon.json out of the bed.
  const configFile = join(dir, "daemon.json");
  writeFileSync(configFile, "{}\n");
  const daemon = new Daemon(
    "dockerd",
    [
      "dockerd",
      "--config-file",
      configFile,
      "--iptables=false",
      "--ip6tables=false",
      "--bridge=none",
      "--data-root",
      join(dir, "data"),
      "--exec-root",
      join(dir, "exec"),
      "--pidfile",
      join(dir, "docker.pid"),
      "-H",
      dockerHost,
      ...insecureRegistries.flatMap((r) => ["--insecure-registry", r]),
    ],
    join(dir, "dockerd.log"),
  );
  cleanup.add("stop dockerd", () => daemon.stop(30_000));
  const env = { ...process.env, DOCKER_HOST: dockerHost };
  await waitFor(
    async () => (await runRaw("docker", ["info", "--format", "{{.ServerVersion}}"], { env, timeoutMs: 5_000 })).code === 0,
    {
      what: `dockerd at ${dockerHost} (docker info)`,
      timeoutMs: 30_000,
      intervalMs: 200,
      abort: () => daemon.exitReason,
      diagnostics: () => daemon.logTail(),
    },
  );
  return { dockerHost };
}
