/**
 * Whether the target holds an image whole, as a pull would need it: the
 * manifest its tag names (for an index, every manifest it lists) and every
 * blob each of them names, asked with HEAD. Only GET and HEAD: nothing at
 * the registry changes. A registry serves a manifest whose blobs it has
 * lost (garbage collection, a broken mount), so the manifest alone proves nothing.
 */
import { createHash } from "node:crypto";
import type { RegistryConnection } from "./connection.ts";
import { MANIFEST_TYPES, splitReference } from "./manifest.ts";
import { registryMessage } from "./status-failure.ts";

/** Something a pull of the image would not find. */
export interface Gap {
  /** What is missing, e.g. `layer sha256:… (2 of 5)`, `the linux/arm64 manifest sha256:…`. */
  readonly what: string;
  /** The manifest is there and a blob (or a platform's manifest) is not: a push would find the image up to date. */
  readonly underAManifest: boolean;
}

export type TargetState =
  | { readonly state: "absent" }
  | { readonly state: "unreadable"; readonly reason: string }
  | {
      readonly state: "there";
      /** The manifest's digest as the registry serves it: what a pinned reference names. */
      readonly digest: string;
      /** The config of a single-image manifest; undefined for an index. */
      readonly configDigest?: string;
      readonly gaps: readonly Gap[];
    };

interface Descriptor {
  readonly digest: string;
  readonly mediaType?: string;
  readonly platform?: { readonly os?: string; readonly architecture?: string; readonly variant?: string };
}

interface ManifestDocument {
  readonly config?: Descriptor;
  readonly layers?: readonly Descriptor[];
  readonly manifests?: readonly Descriptor[];
}

/** Blob HEADs in flight at once per manifest: enough to be quick, few enough not to look like a flood. */
const HEADS_AT_ONCE = 8;

/** What the registry holds under `reference` (`host/path/name:tag`), and what of it is missing. */
export async function checkTarget(registry: RegistryConnection, reference: string): Promise<TargetState> {
  const { name, tag } = splitReference(reference);
  const top = await fetchManifest(registry, name, tag);
  if (top === "absent" || "reason" in top) return top === "absent" ? { state: "absent" } : { state: "unreadable", ...top };
  try {
    const gaps = top.document.manifests
      ? await indexGaps(registry, name, top.document.manifests)
      : await blobGaps(registry, name, top.document);
    return { state: "there", digest: top.digest, configDigest: top.document.config?.digest, gaps };
  } catch (error) {
    return { state: "unreadable", reason: (error as Error).message };
  }
}

async function indexGaps(registry: RegistryConnection, name: string, children: readonly Descriptor[]): Promise<Gap[]> {
  const gaps: Gap[] = [];
  for (const child of children) {
    const platform = platformName(child);
    const fetched = await fetchManifest(registry, name, child.digest);
    if (fetched === "absent") gaps.push({ what: `the ${platform} manifest ${child.digest}`, underAManifest: true });
    else if ("reason" in fetched) throw new Error(`the ${platform} manifest ${child.digest}: ${fetched.reason}`);
    else gaps.push(...(await blobGaps(registry, name, fetched.document, platform)));
  }
  return gaps;
}

/** The config and layers of one image manifest that the registry does not have. */
async function blobGaps(
  registry: RegistryConnection,
  name: string,
  manifest: ManifestDocument,
  platform?: string,
): Promise<Gap[]> {
  const layers = manifest.layers ?? [];
  const blobs = [
    ...(manifest.config ? [{ descriptor: manifest.config, role: "config" }] : []),
    ...layers.map((descriptor, i) => ({ descriptor, role: `layer ${i + 1} of ${layers.length}` })),
  ].filter(({ descriptor }) => !nonDistributable(descriptor));
  const gaps: Gap[] = [];
  for (let start = 0; start < blobs.length; start += HEADS_AT_ONCE) {
    const batch = blobs.slice(start, start + HEADS_AT_ONCE);
    const held = await Promise.all(batch.map(({ descriptor }) => blobThere(registry, name, descriptor.digest)));
    batch.forEach(({ descriptor, role }, i) => {
      const of = platform ? ` of the ${platform} image` : "";
      if (!held[i]) gaps.push({ what: `${role}${of}, blob ${descriptor.digest}`, underAManifest: true });
    });
  }
  return gaps;
}

async function blobThere(registry: RegistryConnection, name: string, digest: string): Promise<boolean> {
  // Redirects to blob storage are followed (S3-backed registries): the answer at the end counts.
  const response = await registry.request(`/v2/${name}/blobs/${digest}`, { method: "HEAD", scope: pullScope(name) });
  if (response.status === 200) return true;
  if (response.status === 404) return false;
  throw new Error(`HEAD of blob ${digest}: HTTP ${response.status}`);
}

type Fetched = { readonly digest: string; readonly document: ManifestDocument } | "absent" | { readonly reason: string };

async function fetchManifest(registry: RegistryConnection, name: string, reference: string): Promise<Fetched> {
  let response;
  try {
    response = await registry.request(`/v2/${name}/manifests/${encodeURIComponent(reference)}`, {
      headers: { Accept: MANIFEST_TYPES },
      scope: pullScope(name),
    });
  } catch (error) {
    return { reason: (error as Error).message };
  }
  if (response.status === 404) return "absent";
  if (response.status !== 200) {
    const said = registryMessage(response.body);
    return { reason: `GET /v2/${name}/manifests/${reference}: HTTP ${response.status}${said ? ` (${said})` : ""}` };
  }
  const document = parsed(response.body);
  if (!document) return { reason: `GET /v2/${name}/manifests/${reference}: the answer is not an image manifest or index` };
  const header = response.headers["docker-content-digest"];
  const digest = typeof header === "string" ? header : `sha256:${createHash("sha256").update(response.body).digest("hex")}`;
  return { digest, document };
}

function parsed(body: string): ManifestDocument | undefined {
  try {
    const document = JSON.parse(body) as ManifestDocument & { schemaVersion?: number };
    const shaped =
      document.schemaVersion === 2 && (Array.isArray(document.manifests) || typeof document.config?.digest === "string");
    return shaped ? document : undefined;
  } catch {
    return undefined;
  }
}

/** Windows base layers and the like are never in a registry: nothing to check. */
function nonDistributable({ mediaType = "" }: Descriptor): boolean {
  return mediaType.includes("foreign") || mediaType.includes("nondistributable");
}

function platformName({ platform, digest }: Descriptor): string {
  if (!platform?.os) return digest.slice(0, 19);
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join("/");
}

const pullScope = (name: string) => `repository:${name}:pull`;
