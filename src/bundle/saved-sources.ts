/**
 * The images of the container tool's archive as `save` took it
 * (engine-archive.ts): manifest.json names each image's config and layers;
 * the config's digest is the image id, and each layer's diff_id, hashed as
 * it streamed by, must be the one its config lists. Anything else is a
 * broken archive: the save stops before the bundle gets a name.
 */
import { createHash } from "node:crypto";
import { failure, type PushImagesError } from "../core/errors.ts";
import { resolvePath, type StreamedArchive, type StreamedLayer } from "./engine-archive.ts";

/** An image the tool saved: its id, config bytes and layers (diff_id and gzip blob each). */
export interface SavedSource {
  /** The config's digest. */
  readonly id: string;
  readonly config: Buffer;
  readonly layers: readonly StreamedLayer[];
}

interface ManifestEntry {
  Config?: string;
  RepoTags?: string[] | null;
  Layers?: string[];
}

/** Each image of the archive, checked; `broken(why)` makes the error that names the tool's save. */
export function savedSources(archive: StreamedArchive, broken: (why: string) => PushImagesError): SavedSource[] {
  const document = (path: string, what: string) => {
    const bytes = archive.files.get(resolvePath(archive, path));
    if (!bytes)
      throw broken(`it lacks ${what}${archive.layers.has(resolvePath(archive, path)) ? " (it holds a tar there)" : ""}`);
    return bytes;
  };
  const manifest = parse<ManifestEntry[]>(document("manifest.json", "its manifest.json"), "its manifest.json", broken);
  if (!Array.isArray(manifest)) throw broken("its manifest.json is not a list of images");
  return manifest.map((entry) => {
    const what = entry.RepoTags?.[0] ?? entry.Config ?? "an image";
    const config = document(entry.Config ?? "", `the config ${entry.Config} of ${what}`);
    const id = `sha256:${createHash("sha256").update(config).digest("hex")}`;
    const diffIds = parse<{ rootfs?: { diff_ids?: string[] } }>(config, `the config of ${what}`, broken).rootfs?.diff_ids ?? [];
    const paths = entry.Layers ?? [];
    if (diffIds.length !== paths.length)
      throw broken(`the config of ${what} lists ${diffIds.length} layers, its manifest.json ${paths.length}`);
    const layers = paths.map((path, i) => {
      const layer = archive.layers.get(resolvePath(archive, path));
      if (!layer) throw broken(`it lacks layer ${path} of ${what}`);
      if (layer.diffId !== diffIds[i])
        throw broken(`layer ${path} of ${what} hashes to ${layer.diffId}, not ${diffIds[i]} as its config says`);
      return layer;
    });
    return { id, config, layers };
  });
}

function parse<T>(bytes: Buffer, what: string, broken: (why: string) => PushImagesError): T {
  try {
    return JSON.parse(bytes.toString("utf8")) as T;
  } catch {
    throw broken(`${what} is not JSON`);
  }
}

/** ARCHIVE_INVALID for an archive the tool wrote wrong or cut short; the fix: run the save by hand to see why. */
export function brokenSave(tool: string, names: readonly string[]): (why: string) => PushImagesError {
  return (why) =>
    failure(
      "ARCHIVE_INVALID",
      `the archive ${tool} save wrote is broken: ${why}`,
      `run it by hand to see why: ${tool} save -o /tmp/check.tar ${names.join(" ")}`,
    );
}
