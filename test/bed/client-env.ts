/**
 * The environment under which tests run podman, docker and the tool: podman
 * storage, podman's engine state, login files and HOME all live in the bed's
 * directory, so tests neither see nor change the machine's images or logins.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** `toolPath`: the PATH of podman, docker and the shells (see tool-path.ts). */
export function isolatedClientEnv(dir: string, dockerHost: string, toolPath: string): Record<string, string> {
  const home = join(dir, "home");
  const dockerConfig = join(dir, "docker-config");
  mkdirSync(home, { recursive: true });
  mkdirSync(dockerConfig, { recursive: true });

  const storageConf = join(dir, "storage.conf");
  writeFileSync(
    storageConf,
    [
      "[storage]",
      'driver = "overlay"',
      `graphroot = "${join(dir, "podman", "graph")}"`,
      `runroot = "${join(dir, "podman", "run")}"`,
    ].join("\n") + "\n",
  );

  // podman keeps engine state in /run/libpod and network configs in
  // /etc/containers/networks; private ones keep the machine's podman apart.
  const containersConf = join(dir, "containers.conf");
  writeFileSync(
    containersConf,
    [
      "[engine]",
      `tmp_dir = "${join(dir, "podman", "tmp")}"`,
      'events_logger = "file"',
      `events_logfile_path = "${join(dir, "podman", "events.log")}"`,
      "[network]",
      // Else podman takes a lock file in /etc/containers/networks on every call.
      `network_config_dir = "${join(dir, "podman", "networks")}"`,
    ].join("\n") + "\n",
  );

  return {
    PATH: toolPath,
    // HOME hides ~/.docker/config.json and ~/.config/containers/auth.json,
    // which podman also reads besides REGISTRY_AUTH_FILE.
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    DOCKER_HOST: dockerHost,
    DOCKER_CONFIG: dockerConfig,
    CONTAINERS_STORAGE_CONF: storageConf,
    CONTAINERS_CONF: containersConf,
    REGISTRY_AUTH_FILE: emptyAuthFile(join(dir, "auth.json")),
  };
}

/**
 * Writes an auth file with no logins. podman 4.3 fails every push with
 * "stat ...: no such file or directory" when REGISTRY_AUTH_FILE names a
 * file that does not exist, so the file must be there.
 */
export function emptyAuthFile(file: string): string {
  writeFileSync(file, '{"auths": {}}\n');
  return file;
}
