/**
 * Two images built like the bed's (FROM scratch, local files, no network)
 * that share their first layer, as real product images share a base: a
 * bundle must store that layer once. Built by podman; copied into dockerd
 * under the same names when the test saves with docker.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { idOf } from "./fresh-image.ts";
import { testDir, tool, type Tool } from "./local-tools.ts";

export interface SharedLayerImages {
  /** `<path>/<image>:<tag>` of each, as -p/-i/-s name them. */
  readonly refs: readonly string[];
  readonly images: readonly string[];
  /** The image ids in the storage of the tool the test saves with. */
  readonly ids: readonly string[];
}

/** Two of the product's images under `path:tag` (-i needs product names): a shared base layer of `baseBytes` random bytes, plus a file of their own. */
export async function sharedLayerImages(
  where: Tool,
  path: string,
  tag: string,
  baseBytes = 64 * 1024,
): Promise<SharedLayerImages> {
  const ctx = join(testDir(), "ctx");
  mkdirSync(ctx);
  writeFileSync(join(ctx, "base"), randomBytes(baseBytes));
  const base = `${path}/shared-base:${tag}`;
  writeFileSync(join(ctx, "Containerfile.base"), "FROM scratch\nCOPY base /base\n");
  await tool("podman", ["build", "--quiet", "--pull=never", "--tag", base, "-f", join(ctx, "Containerfile.base"), ctx]);
  const images = ["apim-le-cache", "apim-le-toolkit"];
  const refs = images.map((image) => `${path}/${image}:${tag}`);
  for (const [i, ref] of refs.entries()) {
    writeFileSync(join(ctx, `own-${i}`), randomBytes(1024));
    writeFileSync(join(ctx, `Containerfile.${i}`), `FROM ${base}\nCOPY own-${i} /own\n`);
    await tool("podman", ["build", "--quiet", "--pull=never", "--tag", ref, "-f", join(ctx, `Containerfile.${i}`), ctx]);
  }
  if (where === "docker") {
    const tar = join(ctx, "images.tar");
    await tool("podman", ["save", "--format", "docker-archive", "--multi-image-archive", "-o", tar, ...refs]);
    await tool("docker", ["load", "-i", tar]);
    // podman saved the short names as localhost/<ref>; a vendor's docker image has the plain name.
    for (const ref of refs) {
      await tool("docker", ["tag", `localhost/${ref}`, ref]);
      await tool("docker", ["image", "rm", `localhost/${ref}`]);
    }
  }
  return { refs, images, ids: await Promise.all(refs.map((ref) => idOf(where, ref))) };
}
