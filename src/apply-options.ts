/**
 * Flags become plugins here, and only here.
 */
import { RetagPlugin } from "../plugins/retag.ts";
import { TlsSkipPlugin } from "../plugins/tls-skip.ts";
import type { Plugin } from "./plugin.ts";
import type { Runner } from "./runner.ts";

export function pluginsForOptions(runner: Runner): Plugin[] {
  const { options } = runner;
  const plugins: Plugin[] = [];
  if (options.destTag !== undefined) plugins.push(new RetagPlugin(options.destTag));
  if (!options.tlsVerify) plugins.push(new TlsSkipPlugin());
  return plugins;
}

export function applyOptions(runner: Runner): void {
  for (const plugin of pluginsForOptions(runner)) plugin.apply(runner);
}
