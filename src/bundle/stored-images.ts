/**
 * Where podman keeps an image, read from its storage's own records
 * (containers/storage: `<driver>-images/images.json`, each image's config
 * among its "big data" files, `<driver>-layers/layers.json` with each
 * layer's parent, and each layer's tar-split beside them), so that `save`
 * can rebuild the layer tars itself (tar-split.ts) instead of having
 * `podman save` write them through a pipe: podman spends more CPU on that
 * than push-images does on hashing and compressing them.
 *
 * Nothing here is trusted: the config's digest must be the image id, and
 * each rebuilt layer's sha256 the diff_id its config lists (saved-sources.ts).
 * Whatever is not as expected (another driver, an image in an additional
 * store, a layer without its tar-split) gives the reason, and save uses
 * `podman save` instead.
 */
import { constants } from "node:fs";
import { access, readFile } from "node:fs/promises";
import { join } from "node:path";

/** podman's storage: its graph root and driver (`podman info`). */
export interface PodmanStore {
  readonly graphRoot: string;
  readonly driver: string;
}

export interface StoredLayer {
  readonly id: string;
  readonly tarSplit: string;
  readonly diffDir: string;
}

export interface StoredImage {
  /** sha256:... */
  readonly id: string;
  readonly config: Buffer;
  /** Base first, as the config's diff_ids. */
  readonly layers: readonly StoredLayer[];
}

interface ImageRecord {
  id?: string;
  layer?: string;
  "big-data-names"?: string[];
}

interface LayerRecord {
  id?: string;
  parent?: string;
  flags?: Record<string, unknown>;
}

/** The drivers whose layers lie unpacked in a directory of their own. */
const DIFF_DIRS: Record<string, (graphRoot: string, id: string) => string> = {
  overlay: (graphRoot, id) => join(graphRoot, "overlay", id, "diff"),
  vfs: (graphRoot, id) => join(graphRoot, "vfs", "dir", id),
};

/** More layers than any image has: a parent chain this long loops. */
const MAX_LAYERS = 1000;

/** The images with these ids (sha256:...) as the storage holds them, or why they can not be read from it. */
export async function findStoredImages(
  store: PodmanStore,
  ids: readonly string[],
): Promise<{ images: StoredImage[] } | { why: string }> {
  const diffDir = DIFF_DIRS[store.driver];
  if (!diffDir) return { why: `its storage driver is ${store.driver}` };
  const images = await readRecords<ImageRecord>(join(store.graphRoot, `${store.driver}-images`, "images.json"));
  const layers = await readRecords<LayerRecord>(join(store.graphRoot, `${store.driver}-layers`, "layers.json"));
  if (!images || !layers) return { why: `its storage's records under ${store.graphRoot} can not be read` };
  const layerById = new Map(layers.map((layer) => [layer.id, layer]));
  const found: StoredImage[] = [];
  for (const id of ids) {
    const hex = id.replace(/^sha256:/, "");
    const record = images.find((image) => image.id === hex);
    if (!record) return { why: `image ${hex.slice(0, 12)} is not in ${store.graphRoot}` };
    const configKey = `sha256:${hex}`;
    if (!record["big-data-names"]?.includes(configKey)) return { why: `image ${hex.slice(0, 12)} has no config stored` };
    const configFile = join(store.graphRoot, `${store.driver}-images`, hex, `=${Buffer.from(configKey).toString("base64")}`);
    const config = await readFile(configFile).catch(() => undefined);
    if (!config) return { why: `the config of image ${hex.slice(0, 12)} can not be read` };
    const chain: StoredLayer[] = [];
    for (let layerId = record.layer; layerId; layerId = layerById.get(layerId)?.parent) {
      const layer = layerById.get(layerId);
      if (!layer || layer.flags?.incomplete || chain.length >= MAX_LAYERS)
        return { why: `layer ${layerId.slice(0, 12)} of image ${hex.slice(0, 12)} is not whole in the storage` };
      const stored = {
        id: layerId,
        tarSplit: join(store.graphRoot, `${store.driver}-layers`, `${layerId}.tar-split.gz`),
        diffDir: diffDir(store.graphRoot, layerId),
      };
      if (!(await readable(stored.tarSplit)) || !(await readable(stored.diffDir)))
        return { why: `layer ${layerId.slice(0, 12)} of image ${hex.slice(0, 12)} has no tar-split or contents to read` };
      chain.unshift(stored);
    }
    found.push({ id: `sha256:${hex}`, config, layers: chain });
  }
  return { images: found };
}

async function readRecords<T>(file: string): Promise<T[] | undefined> {
  try {
    const records = JSON.parse(await readFile(file, "utf8")) as unknown;
    return Array.isArray(records) ? (records as T[]) : undefined;
  } catch {
    return undefined;
  }
}

async function readable(path: string): Promise<boolean> {
  return access(path, constants.R_OK).then(
    () => true,
    () => false,
  );
}
