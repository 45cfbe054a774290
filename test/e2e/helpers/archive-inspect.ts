/**
 * Looks inside an image archive with GNU tar, not with the tool's own
 * reader, so what `save` wrote is judged independently: the docker-style
 * `manifest.json` (what docker loads) and push-images' index.
 */
import { readdirSync } from "node:fs";
import { run } from "../../bed/run.ts";

export interface ManifestEntry {
  Config: string;
  RepoTags: string[] | null;
  Layers: string[];
}

export interface SaveIndex {
  writer: string;
  created: string;
  images: { image: string; reference: string; id: string; manifest: string }[];
}

/** One file of the archive, as text (`tar -xOf`). */
function archiveMember(file: string, member: string): Promise<string> {
  return run("tar", ["-xOf", file, member]);
}

/** The names of the archive's members, in order (`tar -tf`). */
export async function archiveNames(file: string): Promise<string[]> {
  return (await run("tar", ["-tf", file])).split("\n").filter(Boolean);
}

export async function archiveManifest(file: string): Promise<ManifestEntry[]> {
  return JSON.parse(await archiveMember(file, "manifest.json")) as ManifestEntry[];
}

export async function archiveIndex(file: string): Promise<SaveIndex> {
  return JSON.parse(await archiveMember(file, "push-images-index.json")) as SaveIndex;
}

/** The platforms of the index index.json's first entry points at, each (os/arch) with its image's config digest. */
export async function archivePlatforms(file: string): Promise<Record<string, string>> {
  const blob = async <T>(digest: string) => JSON.parse(await archiveMember(file, `blobs/${digest.replace(":", "/")}`)) as T;
  const layout = JSON.parse(await archiveMember(file, "index.json")) as { manifests: { digest: string }[] };
  const index = await blob<{ manifests: { digest: string; platform: { os: string; architecture: string } }[] }>(
    layout.manifests[0]?.digest ?? "",
  );
  const platforms: Record<string, string> = {};
  for (const { digest, platform } of index.manifests)
    platforms[`${platform.os}/${platform.architecture}`] = (await blob<{ config: { digest: string } }>(digest)).config.digest;
  return platforms;
}

/** `repo:tag` without the registry podman or docker put in front of a short name. */
export function shortName(ref: string): string {
  return ref.replace(/^(localhost|docker\.io)\//, "");
}

/** Names in `dir` that look like a save's leftovers (`.<name>.partial-<pid>` or the like). */
export function partialFiles(dir: string): string[] {
  return readdirSync(dir).filter((name) => /partial|\.tmp/i.test(name));
}
