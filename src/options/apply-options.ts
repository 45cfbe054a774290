/**
 * Options become plugins here, and only here: the flags', the naming rules
 * of the registry's type (asked of the registry when -r does not tell it),
 * the progress display, then the site plugins.
 */
import { CaFilesPlugin } from "../../plugins/ca-files.ts";
import { DockerHubPlugin } from "../../plugins/docker-hub.ts";
import { EcrPlugin } from "../../plugins/ecr.ts";
import { FromArchivePlugin } from "../../plugins/from-archive.ts";
import { HarborPlugin } from "../../plugins/harbor.ts";
import { LiveProgressPlugin } from "../../plugins/progress-live.ts";
import { PlainProgressPlugin } from "../../plugins/progress-plain.ts";
import { QuayPlugin } from "../../plugins/quay.ts";
import { RetagPlugin } from "../../plugins/retag.ts";
import { TlsSkipPlugin } from "../../plugins/tls-skip.ts";
import type { Options } from "./options.ts";
import { checkArtifactRegistryPath, checkGcrPath } from "./google-registry-paths.ts";
import { contextView, type Plugin, type RunContext } from "../core/run-context.ts";
import { resolveRegistryType, type RegistryType } from "./registry-type.ts";
import { applySitePlugins, sitePluginFiles, type SitePluginHost } from "./site-plugins.ts";

/**
 * The naming rules of each registry type; generic registries need none.
 * Google's registries only check -r's path, which needs no plugin.
 */
const NAMING_PLUGINS: Record<RegistryType, (options: Options) => Plugin | undefined> = {
  generic: () => undefined,
  harbor: (o) => new HarborPlugin(o.registry, o.createProject),
  gcr: (o) => void checkGcrPath(o.registry),
  "artifact-registry": (o) => void checkArtifactRegistryPath(o.registry),
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

/** Where a push runs: what decides the progress display and where site plugins are found. */
export interface PushSetting {
  /** The directory of the program: site plugins sit in its plugins/. */
  readonly programDir: string;
  /** Whether stderr is a terminal (live progress lines). */
  readonly terminal: boolean;
  /** Stops the registry-type probe on Ctrl-C. */
  readonly signal?: AbortSignal;
}

/** Applies every plugin of a push, in order. */
export async function applyPlugins(run: SitePluginHost, { programDir, terminal, signal }: PushSetting): Promise<void> {
  const { options, log } = run;
  const registryType = await resolveRegistryType(options.registry.host, options.registryType, signal, run.env);
  log.verbose(`registry type: ${registryType}${options.registryType ? "" : " (detected)"}`);
  applyOptions(run, registryType);
  progressPlugin(options, terminal)?.apply(contextView(run));
  await applySitePlugins(run, sitePluginFiles(programDir, options.plugins));
}

export function applyOptions(run: RunContext, registryType: RegistryType = "generic"): void {
  const view = contextView(run);
  for (const plugin of pluginsForOptions(run.options, registryType)) plugin.apply(view);
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
