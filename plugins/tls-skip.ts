/**
 * -t: do not verify TLS. podman gets --tls-verify=false on its registry
 * calls. docker has no such switch: the daemon decides, so preflight checks
 * that the registry is among its insecure registries and says how to add it.
 * A bundle pushed through the registry API needs neither.
 */
import { failure } from "../src/core/errors.ts";
import { PREFLIGHT_STAGE } from "../src/core/hooks.ts";
import { withOptionAfterVerb } from "../src/engine/push-args.ts";
import { isInsecureForDocker } from "../src/registry/docker-insecure.ts";
import { dockerTlsSkipFix } from "../src/registry/tls-hint.ts";
import type { Plugin, RunContext } from "../src/core/run-context.ts";

const PLUGIN_NAME = "tls-skip";

export class TlsSkipPlugin implements Plugin {
  readonly name = PLUGIN_NAME;

  apply(runner: RunContext): void {
    // A bundle pushed through the registry API: the connection itself skips verification.
    if (runner.engineless) return;
    if (runner.tool.name === "podman") {
      runner.hooks.pushArgs.tap(PLUGIN_NAME, (args) => withOptionAfterVerb(args, "--tls-verify=false"));
      return;
    }
    // Before the registry probe, whose TLS error would hide the real cause.
    runner.hooks.preflight.tapPromise({ name: PLUGIN_NAME, stage: PREFLIGHT_STAGE.registry - 1 }, async () => {
      const host = runner.options.registry.host;
      if (await isInsecureForDocker(host, await runner.tool.registryConfig())) return;
      throw failure(
        "INSECURE_REGISTRY_NOT_CONFIGURED",
        `-t cannot turn off TLS verification for docker, and ${host} is not ` +
          `among the daemon's insecure registries ('docker info' lists them)`,
        dockerTlsSkipFix(host),
      );
    });
  }
}
