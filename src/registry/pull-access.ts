/**
 * Can a cluster pull without credentials? Asked the way a node with no pull
 * secret asks: one manifest, no login, only a token a token server gives
 * anyone. A Harbor project that is private, or any registry with a login
 * on pulls, answers 401 or 403: the pods would stop in ImagePullBackOff.
 */
import type { RegistryConnection } from "./connection.ts";
import { MANIFEST_TYPES, splitReference } from "./manifest.ts";

/** "open" when anyone may pull `reference`, "login" when the registry wants one; undefined when its answer says neither. */
export async function anonymousPull(registry: RegistryConnection, reference: string): Promise<"open" | "login" | undefined> {
  const { name, tag } = splitReference(reference);
  try {
    const response = await registry.anonymous(`/v2/${name}/manifests/${encodeURIComponent(tag)}`, {
      method: "HEAD",
      headers: { Accept: MANIFEST_TYPES },
      scope: `repository:${name}:pull`,
    });
    if (response.status === 200) return "open";
    return response.status === 401 || response.status === 403 ? "login" : undefined;
  } catch {
    // Not the question asked: whatever stopped the request (a proxy, a timeout) is no answer about logins.
    return undefined;
  }
}
