/**
 * The blobs a registry confirmed, remembered across runs: for each blob an
 * earlier run (one interrupted too) completed, the repository it went
 * into, so the next run mounts it from there into another repository
 * instead of sending it again. Kept per registry in the state file
 * (upload-sessions.ts), newest last, bounded, and never trusted blindly:
 * a mount the registry does not confirm is not counted, and its entry is
 * dropped.
 */

/** One blob a registry confirmed in a repository. */
export interface PlacedBlob {
  readonly digest: string;
  readonly repository: string;
  /** ISO time it was confirmed. */
  readonly placedAt: string;
}

/** Entries kept per registry: a few bundles' worth of distinct blobs, a file of some 150 KB at most. */
export const PLACED_PER_REGISTRY = 1000;

/**
 * Registries kept, those placed into most lately: a site pushes to one or
 * two, but a host that tries many (tests, benches, a registry per run) would
 * otherwise grow the file without end, and each record reads and writes it
 * whole: 150 registries made it 250 KB, ~20 ms a write.
 */
export const PLACED_REGISTRIES = 20;

/** `list` with `blob` as its newest entry (one entry per digest), the oldest dropped beyond `limit`. */
export function withPlaced(list: readonly PlacedBlob[], blob: PlacedBlob, limit = PLACED_PER_REGISTRY): PlacedBlob[] {
  return [...withoutPlaced(list, blob.digest), blob].slice(-limit);
}

/** `placed` without the registries beyond `limit`, those whose newest entry is oldest. */
export function latestRegistries(placed: Map<string, PlacedBlob[]>, limit = PLACED_REGISTRIES): Map<string, PlacedBlob[]> {
  if (placed.size <= limit) return placed;
  const newest = (list: readonly PlacedBlob[]) => list.reduce((at, entry) => (entry.placedAt > at ? entry.placedAt : at), "");
  const byAge = [...placed].map(([registry, list]) => ({ registry, list, at: newest(list) }));
  byAge.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  return new Map(byAge.slice(0, limit).map(({ registry, list }) => [registry, list]));
}

export function withoutPlaced(list: readonly PlacedBlob[], digest: string): PlacedBlob[] {
  return list.filter((entry) => entry.digest !== digest);
}

/** The well-formed entries of what the file holds for the `placed` key, by registry; anything else is dropped. */
export function readPlaced(value: unknown): Map<string, PlacedBlob[]> {
  if (typeof value !== "object" || value === null) return new Map();
  return new Map(
    Object.entries(value as Record<string, unknown>).map(([registry, list]) => [
      registry,
      Array.isArray(list) ? list.filter(isPlaced).slice(-PLACED_PER_REGISTRY) : [],
    ]),
  );
}

function isPlaced(value: unknown): value is PlacedBlob {
  const entry = value as Partial<PlacedBlob> | null;
  return [entry?.digest, entry?.repository, entry?.placedAt].every((field) => typeof field === "string");
}
