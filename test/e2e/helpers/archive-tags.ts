/**
 * Archive tests work on their own copy of the images: the bed's images
 * under a tag no other test uses, in podman or docker. After a save, the
 * tag is removed again, so a later push can only find the images by
 * loading the archive; and whatever names loading gave them
 * (`localhost/apim/...` in docker, `docker.io/apim/...` in podman) are
 * removed at the end, leaving both storages as the bed made them.
 */
import { useBed } from "./bed.ts";
import { localRefs, tool, type Tool } from "./local-tools.ts";

/** Tags `apim/<image>:v6.0.0` as `apim/<image>:<tag>` in `name`'s storage. */
export async function tagCopies(name: Tool, images: readonly string[], tag: string): Promise<string[]> {
  const { path, tag: original } = useBed().images.defaults;
  const refs = images.map((image) => `${path}/${image}:${tag}`);
  for (const [i, image] of images.entries()) await tool(name, ["tag", `${path}/${image}:${original}`, refs[i] ?? ""]);
  return refs;
}

/** Removes every name carrying `tag` from podman and docker; the images keep their other names. */
export async function removeTag(tag: string): Promise<void> {
  for (const name of ["podman", "docker"] as const) {
    for (const ref of await localRefs(name)) {
      if (!ref.endsWith(`:${tag}`)) continue;
      // `podman untag IMAGE` alone would drop every name of the image: name the one to drop.
      await tool(name, name === "podman" ? ["untag", ref, ref] : ["image", "rm", ref]);
    }
  }
}

/** Every local name carrying `tag`, in either tool. */
export async function refsWithTag(tag: string): Promise<string[]> {
  const refs = [...(await localRefs("podman")), ...(await localRefs("docker"))];
  return refs.filter((ref) => ref.endsWith(`:${tag}`));
}
