/**
 * What loading an archive changed in local storage, and how to put it back:
 * a load moves each name the archive holds onto the archive's image (a
 * user's image of that name is left as `<none>`), adds names that were not
 * there, and brings in images that were not there. Worked out from two
 * listings of the storage, before the load and after it, so it also covers
 * a load that was cut off halfway.
 */
import { withAlgorithm } from "../container-tool.ts";

/** Local storage as `<tool> images` lists it. */
export interface StorageSnapshot {
  /** Image id by name, as the tool spells the name. */
  readonly names: ReadonlyMap<string, string>;
  /** Every image id, named or not. */
  readonly ids: ReadonlySet<string>;
}

export interface RestorePlan {
  /** Names the load moved off another image: [name, the id it named before]. */
  readonly repoint: ReadonlyArray<readonly [name: string, id: string]>;
  /** Names the load added, by the image that holds them now. */
  readonly drop: ReadonlyMap<string, readonly string[]>;
}

/** Reads `<id>\t<repository>:<tag>` lines (ContainerTool.listImagesArgs). */
export function parseImageList(stdout: string): StorageSnapshot {
  const names = new Map<string, string>();
  const ids = new Set<string>();
  for (const line of stdout.split("\n")) {
    const [rawId = "", name = ""] = line.trim().split("\t");
    if (!rawId) continue;
    const id = withAlgorithm(rawId);
    ids.add(id);
    if (!name.includes("<none>")) names.set(name, id);
  }
  return { names, ids };
}

/**
 * The names among `archiveNames` (however the tool qualified them) that
 * the load moved or added. Other names are left alone: another process may
 * have changed them meanwhile.
 */
export function restorePlan(before: StorageSnapshot, now: StorageSnapshot, archiveNames: readonly string[]): RestorePlan {
  const ours = new Set(archiveNames.map(unqualified));
  const repoint: Array<readonly [string, string]> = [];
  const drop = new Map<string, string[]>();
  for (const [name, id] of now.names) {
    if (!ours.has(unqualified(name))) continue;
    const was = before.names.get(name);
    if (was === undefined) drop.set(id, [...(drop.get(id) ?? []), name]);
    else if (was !== id) repoint.push([name, was]);
  }
  return { repoint, drop };
}

/** Images of the archive that were not in storage before the load and now have no name: the load's leftovers. */
export function loadedLeftovers(before: StorageSnapshot, now: StorageSnapshot, archiveIds: readonly string[]): string[] {
  const named = new Set(now.names.values());
  return [...new Set(archiveIds)].filter((id) => now.ids.has(id) && !before.ids.has(id) && !named.has(id));
}

/** podman names `apim/x:t` `localhost/apim/x:t` or `docker.io/apim/x:t`; docker lists `docker.io/library/x:t` as `x:t`. */
function unqualified(name: string): string {
  return name.replace(/^(?:docker\.io\/library\/|docker\.io\/|localhost\/)/, "");
}
