/**
 * What a plugin's apply() receives: the narrow surface of a run that bundled
 * plugins (plugins/*.ts) and site plugins share. The runner behind it stays
 * private to the core; plugins import types from this file and from
 * src/core/hooks.ts only.
 */
import type { ContainerTool } from "../engine/container-tool.ts";
import type { Shell } from "../engine/shell.ts";
import type { Options } from "../options/options.ts";
import type { RegistryConnection } from "../registry/connection.ts";
import type { RunnerHooks } from "./hooks.ts";
import type { Logger } from "./logger.ts";
import type { Transport, TransportContext } from "./transport.ts";

export interface RunContext {
  /** The typed hooks; tapping them is what a plugin does. */
  readonly hooks: RunnerHooks;
  /** The validated options of the run. */
  readonly options: Options;
  /** Commands as argument lists; `mutates: true` ones are only shown by a dry run. */
  readonly shell: Shell;
  /** podman or docker: its name and the argument lists the run hands it. */
  readonly tool: ContainerTool;
  readonly log: Logger;
  readonly env: NodeJS.ProcessEnv;
  /** The target registry's API, opened (and checked) on first use. */
  registry(): Promise<RegistryConnection>;
  /** Files a plugin writes for the run (podman's --cert-dir, bundle parts): removed when the run ends. */
  readonly tempDir: string;
  /** Fires on Ctrl-C / SIGTERM: a plugin's long work (reading a bundle) stops with the run. */
  readonly stopSignal: AbortSignal;
  /** --from-archive: no podman or docker is used, so plugins that adjust the engine's commands stand aside. */
  readonly engineless: boolean;
  /** Hands the pushes to another transport (--from-archive: the registry API); call it in apply(). */
  useTransport(create: (core: TransportContext) => Transport): void;
}

/** A plugin: a name and apply(), which taps the hooks and does nothing else. */
export interface Plugin {
  readonly name: string;
  apply(run: RunContext): void;
}

/**
 * The RunContext of `run` and nothing more: what plugins are handed, so a
 * site plugin (plain JavaScript, no types to stop it) cannot reach into the
 * runner behind it. Calls go through to `run` when they are made.
 */
export function contextView(run: RunContext): RunContext {
  return Object.freeze({
    hooks: run.hooks,
    options: run.options,
    shell: run.shell,
    tool: run.tool,
    log: run.log,
    env: run.env,
    registry: () => run.registry(),
    tempDir: run.tempDir,
    stopSignal: run.stopSignal,
    engineless: run.engineless,
    useTransport: (create: Parameters<RunContext["useTransport"]>[0]) => run.useTransport(create),
  });
}
