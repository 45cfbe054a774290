/**
 * Whether the target holds a multi-platform image as this run would push
 * it: the chosen platforms' images, each with its image id (config
 * digest), and no other. Manifest digests are not compared: podman
 * compresses the layers again on each push, so the same image gets a new
 * manifest digest, while its config stays the same. One platform chosen
 * is pushed as that image, not as an index of one.
 */
import { platformText, type PlatformImage } from "./platforms.ts";
import type { RegistryConnection } from "../registry/connection.ts";
import { remoteManifest, splitReference, type RemoteImage } from "../registry/manifest.ts";

/** Where the platform manifests are read. */
interface ReadBackParts {
  registry(): Promise<RegistryConnection>;
}

/** What the target lacks (or holds besides) of `chosen`, in words; undefined when it holds them exactly. */
export async function indexDifference(
  parts: ReadBackParts,
  target: string,
  remote: RemoteImage,
  chosen: readonly PlatformImage[],
): Promise<string | undefined> {
  const held = remote.manifests ? await platformConfigs(parts, target, remote) : [remote.configDigest];
  const missing = chosen.filter((entry) => !held.includes(entry.id));
  if (missing.length > 0) return `it lacks ${missing.map((entry) => platformText(entry.platform)).join(", ")}`;
  const wanted = new Set(chosen.map((entry) => entry.id));
  const extra = held.filter((id) => !wanted.has(id ?? ""));
  return extra.length > 0 ? `it holds ${extra.length} other image${extra.length === 1 ? "" : "s"} besides` : undefined;
}

/** The config digest of each platform manifest the index names (undefined for one the registry does not hold). */
async function platformConfigs(parts: ReadBackParts, target: string, remote: RemoteImage): Promise<(string | undefined)[]> {
  const registry = await parts.registry();
  const { name } = splitReference(target);
  // Attestations (platform unknown/unknown, buildx) are not images of a platform.
  const images = (remote.manifests ?? []).filter((entry) => entry.platform?.os !== "unknown");
  return Promise.all(
    images.map(async (entry) => (await remoteManifest(registry, name, entry.digest).catch(() => undefined))?.configDigest),
  );
}
