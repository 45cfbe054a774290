/**
 * Which archive image each planned image comes from. With -i, every image
 * asked for must be in an archive. Without -i, the plan is the product's
 * images the archives hold (a `save -i a -i b` archive pushes a and b), and
 * the user is told which; an archive that holds none of them is refused.
 */
import { failure } from "../core/errors.ts";
import type { Job } from "../core/hooks.ts";
import { shortReference } from "./bundle-blobs.ts";

/** An archive as the plan sees it: its file and the images it names. */
export interface ArchiveContents {
  readonly file: string;
  readonly images: ReadonlyArray<{ readonly id: string; readonly repoTags: readonly string[] }>;
}

export interface ArchivePlan {
  readonly jobs: Job[];
  /** Image id per source reference, as the archives name it. */
  readonly ids: Map<string, string>;
  /** Which images the archives supply, when -i did not choose them. */
  readonly note?: string;
}

export interface ArchiveChoice {
  /** -i was given: each image asked for must be there. */
  readonly imagesChosen: boolean;
  readonly sourcePath: string;
  readonly sourceTag: string;
}

export function planFromArchives(jobs: readonly Job[], archives: readonly ArchiveContents[], choice: ArchiveChoice): ArchivePlan {
  const images = archives.flatMap((archive) => archive.images);
  const ids = new Map<string, string>();
  const found: Job[] = [];
  for (const job of jobs) {
    // podman may have saved `apim/x:t` as `localhost/apim/x:t`, docker as `docker.io/apim/x:t`;
    // and bundles are read with those prefixes taken off (-p localhost gives `localhost/x:t`).
    const short = shortReference(job.source);
    const candidates = [job.source, short, `localhost/${short}`, `docker.io/${short}`, `docker.io/library/${short}`];
    for (const image of images) {
      const name = image.repoTags.find((tag) => candidates.includes(tag));
      if (!name) continue;
      ids.set(name, image.id);
      found.push({ ...job, source: name });
      break;
    }
  }
  const files = archives.map((archive) => archive.file).join(", ");
  const holds = `${files} ${archives.length === 1 ? "holds" : "hold"}`;
  if (found.length === jobs.length && choice.imagesChosen) return { jobs: found, ids };
  if (found.length > 0 && !choice.imagesChosen) return { jobs: found, ids, note: `${holds} ${which(found, jobs.length)}` };

  const held = images.flatMap((image) => image.repoTags);
  const missing = jobs.filter((job) => !found.some((f) => f.image === job.image)).map((job) => job.source);
  const named = `${choice.sourcePath}/<image>:${choice.sourceTag}`;
  const what = choice.imagesChosen ? `no image for ${missing.join(", ")}` : `none of the images as ${named}`;
  const holding = held.length > 0 ? `it holds ${held.join(", ")}` : "it holds no named image";
  throw failure("ARCHIVE_MISSING_IMAGE", `${holds} ${what}; ${holding}`, fixFor(jobs, held, choice));
}

/** "2 of the 7 images (a, b): pushing those". */
function which(found: readonly Job[], planned: number): string {
  const all = planned === 1 ? "the one image" : `all ${planned} images`;
  const count = found.length === planned ? all : `${found.length} of the ${planned} images`;
  return `${count} (${found.map((job) => job.image).join(", ")}): pushing ${found.length === 1 ? "it" : "those"}`;
}

/** Flags that match what the archives hold: the -i of its images, or the -p and -s it names them with. */
function fixFor(jobs: readonly Job[], held: readonly string[], choice: ArchiveChoice): string {
  const names = held.map(parseName).filter((name) => name !== undefined);
  const here = names.filter((name) => name.path === choice.sourcePath && name.tag === choice.sourceTag).map((name) => name.image);
  if (here.length > 0) {
    const flags = [...new Set(here)].map((image) => `-i ${image}`);
    return `choose among the images it holds: ${flags.join(" ")}, or leave out -i to push them all`;
  }
  const images = new Set(jobs.map((job) => job.image));
  const other = names.find((name) => images.has(name.image));
  if (other) {
    const path = other.path === choice.sourcePath ? [] : [`-p ${other.path}`];
    const tag = other.tag === choice.sourceTag ? [] : [`-s ${other.tag}`];
    return `add ${[...path, ...tag].join(" ")}: the archive names its images ${other.path}/<image>:${other.tag}`;
  }
  return "check -p and -s against the names it holds, or make the archive again with push-images save";
}

/** `[localhost/|docker.io/]path/image:tag`, as podman and docker write names into archives. */
function parseName(name: string): { path: string; image: string; tag: string } | undefined {
  const parts = /^(?:localhost\/|docker\.io\/)?(.+)\/([^/:]+):([^/:]+)$/.exec(name);
  return parts ? { path: parts[1] ?? "", image: parts[2] ?? "", tag: parts[3] ?? "" } : undefined;
}
