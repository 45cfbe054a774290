/**
 * Checks made before the first image is touched: the container tool
 * answers, every source image exists (all missing ones named at once), and
 * the registry answers with trusted TLS and working credentials. They are
 * taps on the `preflight` hook, so plugins order theirs around them by stage.
 */
import { existsSync } from "node:fs";
import { failure } from "./errors.ts";
import type { Job } from "./hooks.ts";
import { loginCommand } from "../registry/login-command.ts";
import type { Runner } from "./runner.ts";
import { sourceImagesMissing } from "../engine/source-images.ts";

/** Stages of the built-in checks; plugins can slot theirs between them. */
export const PREFLIGHT_STAGE = Object.freeze({ containerTool: -300, sourceImages: -200, registry: 0 });

/** Names of the built-in taps: their errors are ours, not a plugin's. */
export const BUILT_IN_PREFLIGHT = new Set(["container-tool", "source-images", "registry"]);

/** Taps the built-in checks onto the `preflight` hook, in stage order. */
export function tapBuiltInPreflight(runner: Runner): void {
  const { preflight } = runner.hooks;
  preflight.tapPromise({ name: "registry", stage: PREFLIGHT_STAGE.registry }, async () => {
    const connection = await runner.registry();
    runner.log.verbose(`registry ${connection.baseUrl}/v2/ answers (${connection.credentials ? `as ${connection.credentials.username}` : "anonymous access"})`);
  });
  // A bundle goes through the registry API: there is no container tool to ask, and no local image.
  if (runner.engineless) return;
  preflight.tapPromise({ name: "container-tool", stage: PREFLIGHT_STAGE.containerTool }, async () => {
    // The registry is asked meanwhile; its answer (or error) is taken at the
    // registry stage, so a broken tool is still reported first. Not when a
    // plugin's check comes before that stage: it may set up the login.
    if (!pluginChecksBefore(runner, PREFLIGHT_STAGE.registry)) runner.registry().catch(() => undefined);
    const version = await runner.tool.checkAvailable(runner.options.registry.host);
    runner.log.verbose(`${runner.tool.name} ${version} answers`);
    checkAuthFileSetting(runner);
  });
  preflight.tapPromise({ name: "source-images", stage: PREFLIGHT_STAGE.sourceImages }, (jobs) => checkSourceImages(runner, jobs));
}

function pluginChecksBefore(runner: Runner, stage: number): boolean {
  return runner.hooks.preflight.taps.some((tap) => !BUILT_IN_PREFLIGHT.has(tap.name) && (tap.stage ?? 0) < stage);
}

/** podman refuses every push when REGISTRY_AUTH_FILE names a file that is not there. */
function checkAuthFileSetting(runner: Runner): void {
  const file = runner.env.REGISTRY_AUTH_FILE;
  if (runner.tool.name !== "podman" || !file || existsSync(file)) return;
  throw failure(
    "AUTH_FILE_MISSING",
    `REGISTRY_AUTH_FILE names ${file}, which does not exist, and podman refuses to push without it`,
    `run '${loginCommand("podman", runner.options.registry.host, runner.options.tlsVerify)}' to create it, or unset REGISTRY_AUTH_FILE`,
  );
}

async function checkSourceImages(runner: Runner, jobs: readonly Job[]): Promise<void> {
  const { options, tool } = runner;
  // Targets too: a target tag that is already there is not removed after the
  // push. References a plugin already vouched for (a loaded archive) are skipped.
  const references = [...new Set(jobs.flatMap((job) => [job.source, job.target]))].filter((reference) => !runner.localImages.has(reference));
  for (const [reference, image] of await tool.inspectImages(references)) {
    runner.localImages.set(reference, image?.id);
    // The same answer gives each image's layers: the push order is planned by them (src/core/layer-order.ts).
    if (image) runner.localLayers.set(reference, image.layers);
  }
  const missing = jobs.filter((job) => runner.localImages.get(job.source) === undefined);
  if (missing.length > 0) throw await sourceImagesMissing(tool, options.sourcePath, missing.map((job) => job.source), jobs.length);
}
