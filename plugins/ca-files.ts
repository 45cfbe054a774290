/**
 * --ca-file for the container tools (our own requests trust the files
 * through the registry connection). podman gets `--cert-dir` with a
 * directory of the run's own. docker takes no CA per push: dockerd reads
 * /etc/docker/certs.d/<host>/ at each push, so preflight checks the CAs are
 * there (or that the daemon does not verify this registry) and otherwise
 * stops with the commands that put them there.
 */
import { rmSync } from "node:fs";
import { homedir } from "node:os";
import type { CaFile } from "../src/options/ca-files.ts";
import { failure } from "../src/core/errors.ts";
import { writePodmanCertDir, type PodmanCertDir } from "../src/engine/podman-cert-dir.ts";
import { PREFLIGHT_STAGE } from "../src/core/hooks.ts";
import { withOptionAfterVerb } from "../src/engine/push-args.ts";
import { DOCKER_CERTS_D, installCommands, missingFromDockerCertsDir, remoteDockerHost } from "../src/registry/docker-certs.ts";
import { isInsecureForDocker } from "../src/registry/docker-insecure.ts";
import type { Plugin, RunContext } from "../src/core/run-context.ts";

const PLUGIN_NAME = "ca-files";

export class CaFilesPlugin implements Plugin {
  readonly name = PLUGIN_NAME;

  constructor(private readonly caFiles: readonly CaFile[]) {}

  apply(runner: RunContext): void {
    // A bundle pushed through the registry API: the connection itself trusts the files.
    if (runner.engineless) return;
    if (runner.tool.name === "podman") {
      this.applyPodman(runner);
      return;
    }
    // Before the registry probe: what dockerd lacks is the cause to name, whatever our own request makes of the registry.
    runner.hooks.preflight.tapPromise({ name: PLUGIN_NAME, stage: PREFLIGHT_STAGE.registry - 1 }, () =>
      checkDockerd(runner, this.caFiles),
    );
  }

  private applyPodman(runner: RunContext): void {
    let certDir: PodmanCertDir | undefined;
    // In prepare, not here: the run's cleanup removes it, whatever ends the run.
    runner.hooks.prepare.tap(PLUGIN_NAME, () => {
      certDir = writePodmanCertDir(runner.tempDir, this.caFiles, runner.options.registry.host, runner.env.HOME ?? homedir());
      const line = certDirLine(certDir, this.caFiles);
      if (runner.options.dryRun) runner.log.info(line);
      else runner.log.verbose(line);
    });
    runner.hooks.pushArgs.tap(PLUGIN_NAME, (args) => (certDir ? withOptionAfterVerb(args, "--cert-dir", certDir.path) : args));
    runner.hooks.cleanup.tap(PLUGIN_NAME, () => {
      if (certDir) rmSync(certDir.path, { recursive: true, force: true });
    });
  }
}

function certDirLine({ path, copiedFrom, copied }: PodmanCertDir, caFiles: readonly CaFile[]): string {
  const fromCertsD = copiedFrom
    ? `, and what ${copiedFrom} holds (${copied.join(", ") || "nothing"}), which --cert-dir replaces`
    : "";
  return `podman pushes with --cert-dir ${path}: the CAs of ${caFiles.map((ca) => ca.file).join(", ")}${fromCertsD}`;
}

async function checkDockerd(runner: RunContext, caFiles: readonly CaFile[]): Promise<void> {
  const host = runner.options.registry.host;
  if (await isInsecureForDocker(host, await runner.tool.registryConfig())) {
    runner.log.verbose(`dockerd does not verify ${host} (insecure-registries): it needs no --ca-file`);
    return;
  }
  const remote = remoteDockerHost(runner.env);
  const missing = remote ? caFiles : missingFromDockerCertsDir(caFiles, host);
  if (missing.length === 0) return;
  const install = installCommands(missing, host);
  const files = missing.map((ca) => ca.file).join(", ");
  if (remote) {
    // Its certs.d is on another machine: say what it needs, and let the push tell.
    runner.log.warn(
      `dockerd runs on ${remote} (DOCKER_HOST), whose ${DOCKER_CERTS_D}/${host}/ cannot be checked from here; ` +
        `it trusts ${host} only with the CA of ${files} there (on ${remote}: ${install}), or the push fails with TLS_UNTRUSTED`,
    );
    return;
  }
  const message =
    `docker takes no CA file per push: dockerd trusts ${host} only with its CA in ${DOCKER_CERTS_D}/${host}/, ` +
    `and the CA of ${files} is not there`;
  const fix =
    `${install} (dockerd reads it at each push; no restart). ` +
    "With a remote daemon (DOCKER_HOST, docker context), put the file there on the daemon's host";
  throw failure("DOCKER_CA_NOT_INSTALLED", message, fix);
}
