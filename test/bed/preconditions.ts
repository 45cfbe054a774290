/**
 * What the bed needs from the machine, checked up front so a missing
 * package is one clear error instead of a confusing failure later.
 */
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

const COMMANDS: Record<string, string> = {
  podman: "podman",
  docker: "docker.io",
  dockerd: "docker.io",
  "docker-registry": "docker-registry",
  htpasswd: "apache2-utils",
  openssl: "openssl",
  ip: "iproute2",
};

export function checkPreconditions(): void {
  if (process.getuid?.() !== 0) {
    throw new Error("test bed: must run as root (it starts dockerd and creates a network namespace)");
  }
  const missing = Object.keys(COMMANDS).filter((cmd) => !onPath(cmd));
  if (missing.length) {
    const packages = [...new Set(missing.map((cmd) => COMMANDS[cmd]))].join(" ");
    throw new Error(
      `test bed: command(s) not found on PATH: ${missing.join(", ")}.\n` +
        `Install them: apt-get install -y --no-install-recommends ${packages} (see .ci/run)`,
    );
  }
}

function onPath(cmd: string): boolean {
  return (process.env.PATH ?? "").split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, cmd), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
