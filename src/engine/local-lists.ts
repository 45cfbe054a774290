/**
 * podman's local manifest lists. `podman image inspect LIST` answers with
 * the image of this host's platform (and fails when the list has none), so
 * preflight's one inspect of every source shows a list by what it cannot
 * say: the image it gave does not bear the list's name, or there was none.
 * Only those sources are asked about (`manifest exists`, local, then
 * `manifest inspect`), so a single-platform image costs no extra command.
 */
import type { ContainerTool, LocalImage } from "./container-tool.ts";
import type { Shell } from "./shell.ts";
import { choosePlatforms, type ImageIndex, type Platform, type PlatformImage } from "../core/platforms.ts";

/** A list found in local storage: its platforms, and each platform image's layers (for the push order). */
export interface LocalList extends ImageIndex {
  readonly layers: readonly string[];
}

interface ListDocument {
  manifests?: { digest?: string; platform?: { os?: string; architecture?: string; variant?: string } }[] | null;
}

/**
 * The manifest lists among `references`, by reference, keeping the
 * platforms `wanted` asks for (PLATFORM_MISSING when one is not there).
 */
export async function findLocalLists(
  tool: ContainerTool,
  shell: Shell,
  images: ReadonlyMap<string, LocalImage | undefined>,
  wanted: readonly Platform[],
): Promise<Map<string, LocalList>> {
  const lists = new Map<string, LocalList>();
  if (tool.name !== "podman") return lists;
  const suspects = [...images].filter(([reference, image]) => !image || (image.names && !bearsName(image.names, reference)));
  for (const [reference] of suspects) {
    if ((await shell.run(tool.name, ["manifest", "exists", reference])).exitCode !== 0) continue;
    const inspected = await shell.run(tool.name, ["manifest", "inspect", reference]);
    if (inspected.exitCode !== 0) continue;
    const platforms = await platformImages(tool, reference, JSON.parse(inspected.stdout) as ListDocument);
    if (platforms.length === 0) continue;
    const chosen = choosePlatforms(platforms, wanted, reference);
    lists.set(reference, { platforms, chosen, layers: [...new Set(chosen.flatMap((entry) => entry.layers))] });
  }
  return lists;
}

/** Each instance of the list with its local image id, asked in one inspect by `repository@digest`. */
async function platformImages(
  tool: ContainerTool,
  reference: string,
  list: ListDocument,
): Promise<(PlatformImage & { layers: readonly string[] })[]> {
  const repository = reference.slice(0, reference.lastIndexOf(":"));
  const entries = (list.manifests ?? []).filter((entry) => entry.digest?.startsWith("sha256:"));
  const byDigest = await tool.inspectImages(entries.map((entry) => `${repository}@${entry.digest}`));
  return entries.flatMap((entry) => {
    const image = byDigest.get(`${repository}@${entry.digest}`);
    if (!image || !entry.digest) return [];
    const { os = "unknown", architecture = "unknown", variant } = entry.platform ?? {};
    const platform: Platform = variant ? { os, architecture, variant } : { os, architecture };
    return [{ platform, digest: entry.digest, id: image.id, layers: image.layers }];
  });
}

/** podman names `apim/x:v6` `localhost/apim/x:v6` or `docker.io/apim/x:v6`. */
function bearsName(names: readonly string[], reference: string): boolean {
  return names.some((name) => name === reference || name.endsWith(`/${reference}`));
}
