/**
 * Checks made before the first image is touched: the container tool
 * answers, every source image exists (all missing ones named at once), and
 * the registry answers with trusted TLS and working credentials. They are
 * taps on the `preflight` hook, so plugins order theirs around them by stage.
 */
import { existsSync } from "node:fs";
import type { ContainerTool } from "../engine/container-tool.ts";
import type { Options } from "../options/options.ts";
import type { RegistryConnection } from "../registry/connection.ts";
import { failure } from "./errors.ts";
import { PREFLIGHT_STAGE, type Job, type RunnerHooks } from "./hooks.ts";
import type { Logger } from "./logger.ts";
import { loginCommand } from "../registry/login-command.ts";
import { sourceImagesMissing } from "../engine/source-images.ts";
import { findLocalLists, type LocalList } from "../engine/local-lists.ts";
import type { Shell } from "../engine/shell.ts";

/** Names of the built-in taps: their errors are ours, not a plugin's. */
export const BUILT_IN_PREFLIGHT = new Set(["container-tool", "source-images", "registry"]);

/** What the built-in checks need of the run, and where they put what they find. */
export interface PreflightParts {
  readonly hooks: RunnerHooks;
  readonly options: Options;
  readonly tool: ContainerTool;
  readonly log: Logger;
  readonly env: NodeJS.ProcessEnv;
  readonly engineless: boolean;
  registry(): Promise<RegistryConnection>;
  /** Whether a plugin's check runs before `stage`: it may set up the login, so the registry is not asked early. */
  pluginCheckBefore(stage: number): boolean;
  /** Filled here: local image ids by reference (undefined: not there), sources and targets. */
  readonly localImages: Map<string, string | undefined>;
  /** Filled here: the layers of the local images found, by reference. */
  readonly localLayers: Map<string, readonly string[]>;
  /** Sizes of the local images preflight found, by reference. */
  readonly localSizes?: Map<string, number>;
  /** Filled here: podman's manifest lists among the sources, by reference (src/engine/local-lists.ts). */
  readonly localLists?: Map<string, LocalList>;
  readonly shell?: Shell;
}

/** Taps the built-in checks onto the `preflight` hook, in stage order. */
export function tapBuiltInPreflight(run: PreflightParts): void {
  const { preflight } = run.hooks;
  preflight.tapPromise({ name: "registry", stage: PREFLIGHT_STAGE.registry }, async () => {
    const connection = await run.registry();
    const who = connection.credentials ? `as ${connection.credentials.username}` : "anonymous access";
    run.log.verbose(`registry ${connection.baseUrl}/v2/ answers (${who})`);
  });
  // A bundle goes through the registry API: there is no container tool to ask, and no local image.
  if (run.engineless) return;
  preflight.tapPromise({ name: "container-tool", stage: PREFLIGHT_STAGE.containerTool }, async () => {
    // The registry is asked meanwhile; its answer (or error) is taken at the
    // registry stage, so a broken tool is still reported first. Not when a
    // plugin's check comes before that stage: it may set up the login.
    if (!run.pluginCheckBefore(PREFLIGHT_STAGE.registry)) run.registry().catch(() => undefined);
    const version = await run.tool.checkAvailable(run.options.registry.host);
    run.log.verbose(`${run.tool.name} ${version} answers`);
    checkAuthFileSetting(run);
  });
  preflight.tapPromise({ name: "source-images", stage: PREFLIGHT_STAGE.sourceImages }, (jobs) => checkSourceImages(run, jobs));
}

/** podman refuses every push when REGISTRY_AUTH_FILE names a file that is not there. */
function checkAuthFileSetting({ env, tool, options }: PreflightParts): void {
  const file = env.REGISTRY_AUTH_FILE;
  if (tool.name !== "podman" || !file || existsSync(file)) return;
  throw failure(
    "AUTH_FILE_MISSING",
    `REGISTRY_AUTH_FILE names ${file}, which does not exist, and podman refuses to push without it`,
    `run '${loginCommand("podman", options.registry.host, options.tlsVerify)}' to create it, or unset REGISTRY_AUTH_FILE`,
  );
}

async function checkSourceImages(
  { options, tool, localImages, localLayers, localSizes, localLists, shell }: PreflightParts,
  jobs: readonly Job[],
): Promise<void> {
  // Targets too: a target tag that is already there is not removed after the
  // push. References already known are skipped.
  const references = [...new Set(jobs.flatMap((job) => [job.source, job.target]))].filter(
    (reference) => !localImages.has(reference),
  );
  const inspected = await tool.inspectImages(references);
  for (const [reference, image] of inspected) {
    localImages.set(reference, image?.id);
    // The same answer gives each image's layers: the push order is planned by them (src/core/layer-order.ts).
    if (image) localLayers.set(reference, image.layers);
    if (image?.size !== undefined) localSizes?.set(reference, image.size);
  }
  const sources = new Map(
    jobs.filter((job) => inspected.has(job.source)).map((job) => [job.source, inspected.get(job.source)] as const),
  );
  if (localLists && shell) {
    for (const [reference, list] of await findLocalLists(tool, shell, sources, options.platforms)) {
      localLists.set(reference, list);
      localImages.set(reference, list.chosen[0]?.id);
      localLayers.set(reference, list.layers);
    }
  }
  const missing = jobs.filter((job) => localImages.get(job.source) === undefined);
  if (missing.length > 0)
    throw await sourceImagesMissing(
      tool,
      options.sourcePath,
      missing.map((job) => job.source),
      jobs.length,
    );
}
