/**
 * `save` of a podman manifest list: `podman save LIST` would write only
 * this host's platform, silently. Each chosen platform's image is a local
 * image of its own, so it goes into the tool's archive by its image id, and
 * the bundle gets an index over them (write-bundle.ts). docker keeps no
 * lists: manifest.json names the image of this host's platform, or the
 * first one, for `docker load`.
 */
import type { LocalList } from "../engine/local-lists.ts";
import { failure } from "../core/errors.ts";
import { platformText } from "../core/platforms.ts";
import type { SavedSource } from "./saved-sources.ts";
import type { ChosenImage } from "./write-bundle.ts";

/** What the tool saves for each reference: the reference itself, or a list's chosen platform images by id. */
export function namesToSave(references: readonly string[], lists: ReadonlyMap<string, LocalList>): string[] {
  const names = references.flatMap((reference) => {
    const list = lists.get(reference);
    // podman takes a full image id without its `sha256:`.
    return list ? list.chosen.map((entry) => entry.id.replace(/^sha256:/, "")) : [reference];
  });
  return [...new Set(names)];
}

/** Picks an image out of the tool's archive by id; ARCHIVE_INVALID when the tool left it out. */
export type SavedById = (id: string, what: string) => SavedSource;

/** A list as save writes it: each chosen platform's image, and the one `docker load` takes. */
export function chosenList(image: string, reference: string, list: LocalList, find: SavedById): ChosenImage {
  const platforms = list.chosen.map((entry) => ({
    platform: entry.platform,
    source: find(entry.id, `${reference} (${platformText(entry.platform)})`),
  }));
  const host = process.arch === "x64" ? "amd64" : process.arch;
  const loadable = platforms.find((entry) => entry.platform.os === "linux" && entry.platform.architecture === host);
  const source = (loadable ?? platforms[0])?.source;
  if (!source)
    throw failure("ARCHIVE_INVALID", `${reference} has no platform image to save`, `podman manifest inspect ${reference}`);
  return { image, reference, source, platforms };
}
