/**
 * What the registry holds under a reference: the manifest's digest and the
 * config digest it names, which equals the local image id whatever layer
 * compression the push used. That is the up-to-date test, and the check
 * after a push.
 */
import { createHash } from "node:crypto";
import type { RegistryConnection } from "./connection.ts";
import type { Platform } from "../core/platforms.ts";

export const MANIFEST_TYPES = [
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
].join(", ");

export interface RemoteImage {
  /** Digest of the manifest as stored (what a pull by digest names). */
  readonly digest: string;
  /** Digest of the image config; undefined for an index of several images. */
  readonly configDigest?: string;
  /** An index's (manifest list's) platform manifests; undefined for an image. */
  readonly manifests?: readonly { readonly digest: string; readonly platform?: Platform }[];
}

/** `host/path/name:tag` split into the repository name and the tag. */
export function splitReference(reference: string): { host: string; name: string; tag: string } {
  const slash = reference.indexOf("/");
  const colon = reference.lastIndexOf(":");
  return { host: reference.slice(0, slash), name: reference.slice(slash + 1, colon), tag: reference.slice(colon + 1) };
}

/** The image at `reference`, or undefined when the registry has no such tag. */
export async function remoteImage(registry: RegistryConnection, reference: string): Promise<RemoteImage | undefined> {
  const { name, tag } = splitReference(reference);
  return remoteManifest(registry, name, tag, reference);
}

/** The manifest or index `name` holds under a tag or digest, or undefined when there is none; `reference` names it in errors. */
export async function remoteManifest(
  registry: RegistryConnection,
  name: string,
  tag: string,
  reference = `${name}@${tag}`,
): Promise<RemoteImage | undefined> {
  const response = await registry.request(`/v2/${name}/manifests/${encodeURIComponent(tag)}`, {
    headers: { Accept: MANIFEST_TYPES },
    scope: `repository:${name}:pull`,
  });
  if (response.status === 404) return undefined;
  if (response.status !== 200)
    throw Object.assign(new Error(`manifest of ${reference}: HTTP ${response.status}`), {
      status: response.status,
      headers: response.headers,
    });
  // Redirects are followed (redirects.ts): the last host may answer 200 with anything, e.g. a login page.
  const manifest = parsedManifest(response.body);
  if (!manifest) throw new Error(`manifest of ${reference}: the answer is not an image manifest or index`);
  const header = response.headers["docker-content-digest"];
  const digest = typeof header === "string" ? header : `sha256:${createHash("sha256").update(response.body).digest("hex")}`;
  const manifests = Array.isArray(manifest.manifests) ? manifest.manifests.filter(isDescriptor) : undefined;
  return { digest, configDigest: manifest.config?.digest, ...(manifests ? { manifests } : {}) };
}

function isDescriptor(entry: unknown): entry is { digest: string; platform?: Platform } {
  return typeof (entry as { digest?: unknown } | null)?.digest === "string";
}

/** A manifest or index (schema 2, naming a config or its manifests), or undefined for anything else. */
function parsedManifest(body: string): { config?: { digest?: string }; manifests?: unknown } | undefined {
  try {
    const parsed = JSON.parse(body) as { schemaVersion?: number; config?: { digest?: string }; manifests?: unknown };
    const shaped = parsed.schemaVersion === 2 && (typeof parsed.config?.digest === "string" || Array.isArray(parsed.manifests));
    return shaped ? parsed : undefined;
  } catch {
    return undefined;
  }
}
