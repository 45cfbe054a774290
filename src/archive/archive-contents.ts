/**
 * Reads an image archive (a docker-archive, as `docker save`, `podman save`
 * and `push-images save` write it, plain or gzipped) in one pass and checks
 * that it is complete: every config and layer named by manifest.json is
 * there, and each hashes to the digest the image names. A truncated or
 * corrupt archive is refused here, before anything is loaded or pushed.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { posix } from "node:path";
import { t as listTar } from "tar";
import { failure } from "../errors.ts";

/** Written into archives made by `push-images save`. */
export const INDEX_FILE = "push-images-index.json";

export interface ArchiveImage {
  /** Image id: the digest of its config (sha256:...). */
  readonly id: string;
  readonly repoTags: readonly string[];
}

export interface ArchiveIndex {
  readonly writer: string;
  readonly created: string;
  readonly images: ReadonlyArray<{ readonly image: string; readonly reference: string; readonly id: string }>;
}

export interface ArchiveContents {
  readonly file: string;
  /** sha256 (hex) of the whole file as read, when asked for (`<file>.sha256`). */
  readonly sha256?: string;
  readonly images: readonly ArchiveImage[];
  readonly index?: ArchiveIndex;
}

interface Entry {
  readonly digest: string;
  readonly text?: string;
  readonly linkTo?: string;
}

interface ManifestEntry {
  Config?: string;
  RepoTags?: string[] | null;
  Layers?: string[];
}

const JSON_LIMIT = 4 * 1024 * 1024;
/** As node-tar reads files it lists. */
const READ_SIZE = 16 * 1024 * 1024;

export function readArchive(file: string): Promise<ArchiveContents> {
  return checkArchive(file, false);
}

/** readArchive, hashing the whole file on the same read (save's `<file>.sha256`) rather than in a second pass. */
export async function readArchiveAndSum(file: string): Promise<ArchiveContents & { readonly sha256: string }> {
  const { sha256, ...contents } = await checkArchive(file, true);
  if (sha256 === undefined) throw new Error(`no sha256 was computed for ${file}`);
  return { ...contents, sha256 };
}

async function checkArchive(file: string, wholeFileSum: boolean): Promise<ArchiveContents> {
  const { entries, sha256 } = await readEntries(file, wholeFileSum);
  const bad = (why: string) => failure("ARCHIVE_INVALID", `${file} ${why}`, "make the archive again (push-images save, docker save or podman save) and copy it whole; compare its size or sha256sum with the original");
  const manifestText = entries.get("manifest.json")?.text;
  if (manifestText === undefined) throw bad("has no manifest.json: it is cut short, or not an image archive from docker save, podman save or push-images save");
  const manifest = parseJson(manifestText) as ManifestEntry[] | undefined;
  if (!Array.isArray(manifest)) throw bad("has a manifest.json that is not a list of images");

  const images = manifest.map((image) => {
    const config = resolve(entries, image.Config ?? "");
    if (!config?.text) throw bad(`lacks the config ${image.Config} of ${describe(image)} (truncated?)`);
    const id = config.digest;
    const diffIds = (parseJson(config.text) as { rootfs?: { diff_ids?: string[] } } | undefined)?.rootfs?.diff_ids ?? [];
    (image.Layers ?? []).forEach((layer, index) => {
      const found = resolve(entries, layer);
      if (!found) throw bad(`lacks layer ${layer} of ${describe(image)} (truncated?)`);
      if (diffIds[index] !== undefined && found.digest !== diffIds[index]) throw bad(`has a corrupt layer ${layer} of ${describe(image)}: its digest is ${found.digest}, not ${diffIds[index]}`);
    });
    return { id, repoTags: image.RepoTags ?? [] };
  });

  const indexText = entries.get(INDEX_FILE)?.text;
  const index = indexText === undefined ? undefined : (parseJson(indexText) as ArchiveIndex | undefined);
  if (indexText !== undefined && !Array.isArray(index?.images)) throw bad(`has an unreadable ${INDEX_FILE}`);
  for (const listed of index?.images ?? []) {
    if (!images.some((image) => image.id === listed.id)) throw bad(`lists ${listed.reference} (${listed.id}) in its index, but holds no such image`);
  }
  return { file, sha256, images, index };
}

/** Every file's sha256 (and the text of small JSON files), by path, and the whole file's if asked, in one read. */
async function readEntries(file: string, wholeFileSum: boolean): Promise<{ entries: Map<string, Entry>; sha256?: string }> {
  const entries = new Map<string, Entry>();
  const reading: Promise<void>[] = [];
  const whole = wholeFileSum ? createHash("sha256") : undefined;
  try {
    const parser = listTar({
      strict: true,
      onReadEntry: (entry) => {
        const path = posix.normalize(entry.path).replace(/\/$/, "");
        if (entry.type === "SymbolicLink" || entry.type === "Link") {
          entries.set(path, { digest: "", linkTo: entry.type === "Link" ? entry.linkpath : posix.join(posix.dirname(path), entry.linkpath ?? "") });
          entry.resume();
          return;
        }
        if (entry.type !== "File" && entry.type !== "OldFile") return entry.resume();
        const hash = createHash("sha256");
        const keepText = path.endsWith(".json") && (entry.size ?? 0) <= JSON_LIMIT;
        const chunks: Buffer[] = [];
        let received = 0;
        const read = new Promise<void>((resolve, reject) => {
            entry.on("data", (chunk: Buffer) => {
              received += chunk.length;
              hash.update(chunk);
              if (keepText) chunks.push(chunk);
            });
            entry.on("end", () => {
              // A short entry means the archive was cut off inside it.
              if (received !== entry.size) return reject(Object.assign(new Error(`${path} is cut short`), { code: "TAR_ABORTED" }));
              entries.set(path, { digest: `sha256:${hash.digest("hex")}`, text: keepText ? Buffer.concat(chunks).toString("utf8") : undefined });
              resolve();
            });
        });
        // Handled below, after the listing; never left unhandled when the listing fails first.
        read.catch(() => undefined);
        reading.push(read);
      },
    });
    // What tar's own file listing does, with the bytes also hashed on the way.
    await new Promise<void>((resolve, reject) => {
      parser.on("error", reject);
      parser.on("end", resolve);
      const input = createReadStream(file, { highWaterMark: READ_SIZE });
      input.on("error", reject);
      if (whole) input.on("data", (chunk) => whole.update(chunk));
      input.pipe(parser);
    });
    await Promise.all(reading);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "";
    const hint = "make the archive again and copy it whole";
    if (code === "ENOENT") throw failure("ARCHIVE_INVALID", `${file} does not exist`, "check the path given to --from-archive");
    if (code === "EACCES") throw failure("ARCHIVE_INVALID", `${file} cannot be read (permission denied)`, `check its permissions: ls -l ${file}`);
    const nothingRead = reading.length === 0 && entries.size === 0;
    if (nothingRead && /TAR_BAD_ARCHIVE|TAR_ENTRY_INVALID|Z_DATA_ERROR|unrecognized archive/i.test(`${code} ${(error as Error).message}`)) {
      throw failure("ARCHIVE_INVALID", `${file} is not a tar archive of images: ${(error as Error).message}`, hint);
    }
    throw failure("ARCHIVE_INVALID", `${file} is incomplete or damaged, as if cut short in copying (${(error as Error).message})`, hint);
  }
  if (entries.size === 0) throw failure("ARCHIVE_INVALID", `${file} is not a tar archive of images (nothing could be read from it)`, "check the path given to --from-archive");
  return { entries, sha256: whole?.digest("hex") };
}

/** Follows podman's `<id>/layer.tar -> ../<digest>.tar` links. */
function resolve(entries: Map<string, Entry>, path: string): Entry | undefined {
  let entry = entries.get(posix.normalize(path));
  for (let hops = 0; entry?.linkTo !== undefined && hops < 8; hops++) entry = entries.get(posix.normalize(entry.linkTo));
  return entry?.linkTo === undefined ? entry : undefined;
}

function describe(image: ManifestEntry): string {
  return image.RepoTags?.[0] ?? image.Config ?? "an image";
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
