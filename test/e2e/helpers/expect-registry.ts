/**
 * Assertions on what reached the registries, read through their API: a
 * pushed image is right when its manifest's config digest equals the local
 * image id; "nothing reached" means no repository anywhere carries the
 * test's unique name, and no local image was tagged with it either.
 */
import { expect } from "vitest";
import { useBed, type BedRegistry } from "./bed.ts";
import { localRefs } from "./local-tools.ts";
import { RegistryClient } from "./registry-client.ts";

/**
 * Exactly `ids`' images are under `repoPath` (no other repository there),
 * each tagged `tag` with the config digest `ids[image]`.
 */
export async function expectPushed(
  registry: BedRegistry,
  repoPath: string,
  tag: string,
  ids: Record<string, string>,
): Promise<void> {
  const repos = (await new RegistryClient(registry).catalog()).filter((repo) => repo.startsWith(`${repoPath}/`));
  const expected = Object.keys(ids)
    .map((image) => `${repoPath}/${image}`)
    .sort();
  expect(repos, `repositories under ${registry.host}/${repoPath}`).toEqual(expected);
  for (const [image, id] of Object.entries(ids)) {
    await expectImage(registry, `${repoPath}/${image}`, tag, id);
  }
}

/** `repo:tag` exists in `registry` and its config digest is `id`. */
export async function expectImage(registry: BedRegistry, repo: string, tag: string, id: string): Promise<void> {
  const manifest = await new RegistryClient(registry).manifest(repo, tag);
  expect(manifest, `${registry.host}/${repo}:${tag} was not pushed`).toBeDefined();
  expect(manifest?.configDigest, `${registry.host}/${repo}:${tag} is not the local image`).toBe(id);
}

/** The only tags under `repoPath/<image>` for every image of `images`. */
export async function expectTags(
  registry: BedRegistry,
  repoPath: string,
  images: readonly string[],
  tags: readonly string[],
): Promise<void> {
  const client = new RegistryClient(registry);
  for (const image of images) {
    expect(await client.tags(`${repoPath}/${image}`), `tags of ${repoPath}/${image}`).toEqual([...tags].sort());
  }
}

/**
 * No registry of the bed has a repository whose name contains `token`
 * (compared case-insensitively, so a rejected upper-case path counts too),
 * and neither podman nor docker holds a local tag containing it.
 */
export async function expectNoTrace(token: string): Promise<void> {
  const needle = token.toLowerCase();
  const bed = useBed();
  for (const [name, registry] of Object.entries(bed.registries)) {
    const repos = await new RegistryClient(registry).catalog();
    expect(
      repos.filter((repo) => repo.toLowerCase().includes(needle)),
      `registry ${name} holds repositories of this test`,
    ).toEqual([]);
  }
  for (const tool of ["podman", "docker"] as const) {
    const refs = await localRefs(tool);
    expect(
      refs.filter((ref) => ref.toLowerCase().includes(needle)),
      `${tool} storage was touched`,
    ).toEqual([]);
  }
}

/** `ids` restricted to `images`. */
export function pick(ids: Record<string, string>, images: readonly string[]): Record<string, string> {
  return Object.fromEntries(images.map((image) => [image, ids[image] ?? `(no id for ${image})`]));
}
