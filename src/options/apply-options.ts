/**
 * Flags and the registry's type become plugins here, and only here.
 */
import { ArtifactRegistryPlugin } from "../../plugins/artifact-registry.ts";
import { CaFilesPlugin } from "../../plugins/ca-files.ts";
import { DockerHubPlugin } from "../../plugins/docker-hub.ts";
import { EcrPlugin } from "../../plugins/ecr.ts";
import { FromArchivePlugin } from "../../plugins/from-archive.ts";
import { GcrPlugin } from "../../plugins/gcr.ts";
import { HarborPlugin } from "../../plugins/harbor.ts";
import { LiveProgressPlugin } from "../../plugins/progress-live.ts";
import { PlainProgressPlugin } from "../../plugins/progress-plain.ts";
import { QuayPlugin } from "../../plugins/quay.ts";
import { RetagPlugin } from "../../plugins/retag.ts";
import { TlsSkipPlugin } from "../../plugins/tls-skip.ts";
import type { Options } from "./options.ts";
import type { Plugin, RunContext } from "../core/run-context.ts";
import type { RegistryType } from "./registry-type.ts";

/** The naming rules of each registry type; generic registries need none. */
const NAMING_PLUGINS: Record<RegistryType, (options: Options) => Plugin | undefined> = {
  generic: () => undefined,
  harbor: (o) => new HarborPlugin(o.registry, o.createProject),
  gcr: (o) => new GcrPlugin(o.registry),
  "artifact-registry": (o) => new ArtifactRegistryPlugin(o.registry),
  ecr: (o) => new EcrPlugin(o.registry, o.createRepositories),
  dockerhub: (o) => new DockerHubPlugin(o.registry, o.flatten),
  quay: (o) => new QuayPlugin(o.registry, o.flatten),
};

export function pluginsForOptions(options: Options, registryType: RegistryType = "generic"): Plugin[] {
  const plugins: Plugin[] = [];
  if (options.destTag !== undefined) plugins.push(new RetagPlugin(options.destTag));
  if (!options.tlsVerify) plugins.push(new TlsSkipPlugin());
  if (options.caFiles.length > 0) plugins.push(new CaFilesPlugin(options.caFiles));
  if (options.fromArchive.length > 0) plugins.push(new FromArchivePlugin(options.fromArchive, registryType));
  const naming = NAMING_PLUGINS[registryType](options);
  if (naming) plugins.push(naming);
  return plugins;
}

export function applyOptions(runner: RunContext, registryType: RegistryType = "generic"): void {
  for (const plugin of pluginsForOptions(runner.options, registryType)) plugin.apply(runner);
}

/**
 * How progress is shown: live lines on a terminal, timestamped lines
 * elsewhere (or with -v, whose command output would tear live lines), none
 * with --quiet.
 */
export function progressPlugin(options: Options, terminal: boolean): Plugin | undefined {
  if (options.quiet) return undefined;
  return terminal && !options.verbose ? new LiveProgressPlugin() : new PlainProgressPlugin();
}
