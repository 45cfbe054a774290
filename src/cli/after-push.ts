/**
 * What a push and `verify` hand the deployment: the pinned references
 * (--digest-file) and whether the cluster can pull without a login.
 */
import { replaceFile } from "../bundle/replace-file.ts";
import type { Logger } from "../core/logger.ts";
import { pullSecretLines } from "../core/pull-secret.ts";
import type { Options } from "../options/options.ts";
import type { RegistryConnection } from "../registry/connection.ts";
import { anonymousPull } from "../registry/pull-access.ts";
import { resolveRegistryType } from "../options/registry-type.ts";

/**
 * Writes one pinned reference a line, under a new partial name renamed into
 * place: a symlink at `file` is replaced, never written through.
 */
export async function writeDigestFile(file: string, references: readonly string[], log: Logger): Promise<void> {
  await replaceFile(file, references.map((reference) => `${reference}\n`).join(""));
  log.info(`Wrote ${references.length} pinned reference${references.length === 1 ? "" : "s"} to ${file}`);
}

/**
 * Asks for `reference` with no login; when the registry wants one, the
 * summary's pull-secret lines follow. True when a login is needed, false
 * when anyone may pull, null when not asked or the answer said neither.
 */
export async function checkPullAccess(
  registry: () => Promise<RegistryConnection>,
  reference: string | undefined,
  options: Options,
  log: Logger,
): Promise<{ readonly requiresLogin: boolean | null; readonly lines: readonly string[] }> {
  if (reference === undefined) return { requiresLogin: null, lines: [] };
  const connection = await registry();
  const answer = await anonymousPull(connection, reference);
  log.verbose(`an anonymous pull of ${reference}: ${answer ?? "no clear answer"}`);
  if (answer !== "login") return { requiresLogin: answer === undefined ? null : false, lines: [] };
  const host = options.registry.host;
  // Detected again only now that it matters: Harbor's note (robot accounts) depends on it.
  const registryType = await resolveRegistryType(host, options.registryType, undefined, process.env);
  const setting = { host, username: connection.credentials?.username, registryType };
  return { requiresLogin: true, lines: pullSecretLines(setting) };
}
