/** What the bench needs from the machine, checked first, and what it records about it beside the figures. */
import { accessSync, constants, readFileSync } from "node:fs";
import { cpus, loadavg, release } from "node:os";
import { delimiter, join } from "node:path";
import type { Section } from "./options.ts";

const NEEDS: Record<Section, Record<string, string>> = {
  push: { podman: "podman", "docker-registry": "docker-registry", bash: "bash" },
  archives: { podman: "podman", "docker-registry": "docker-registry", bash: "bash", skopeo: "skopeo", unshare: "util-linux" },
  layers: {
    podman: "podman",
    "docker-registry": "docker-registry",
    bash: "bash",
    dockerd: "docker.io",
    docker: "docker.io",
    unshare: "util-linux",
    gzip: "gzip",
  },
  artifacts: {},
  skopeo: { podman: "podman", "docker-registry": "docker-registry", bash: "bash", skopeo: "skopeo", unshare: "util-linux" },
};

/** Throws one error naming every missing command and the package to install. */
export function checkMachine(sections: readonly Section[]): void {
  const needed = Object.assign({}, ...sections.map((s) => NEEDS[s])) as Record<string, string>;
  if (Object.keys(needed).length > 0 && process.getuid?.() !== 0) {
    throw new Error("the push and archive sections run podman with its own overlay storage: run the bench as root");
  }
  const missing = Object.keys(needed).filter((command) => onPath(command) === undefined);
  if (missing.length > 0) {
    throw new Error(
      `command(s) not found on PATH: ${missing.join(", ")}; apt-get install ${[...new Set(missing.map((m) => needed[m]))].join(" ")}`,
    );
  }
}

export function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const file = join(dir, command);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // Not in this directory.
    }
  }
  return undefined;
}

export function describeMachine(): Record<string, unknown> {
  let model = "";
  try {
    model = /model name\s*:\s*(.*)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? "";
  } catch {
    // Not Linux; the figures still stand.
  }
  return { cpus: cpus().length, cpuModel: model, kernel: release(), node: process.version };
}

/** 1-minute load average: other work on a shared machine shows here, and shifts every absolute figure. */
export function load(): number {
  return Math.round((loadavg()[0] ?? 0) * 100) / 100;
}
