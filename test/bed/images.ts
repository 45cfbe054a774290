/**
 * Sample product images without any network: each is a `FROM scratch`
 * image holding a few random bytes, so every image (and each of the two
 * sets) has its own id. Built with podman, then shared with the sandboxed
 * dockerd through one `podman save` archive.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BedImageSet } from "./types.ts";
import { run, type RunOptions } from "./run.ts";

export interface ImageSetSpec {
  path: string;
  tag: string;
}

/** Builds `<path>/<image>:<tag>` for every image of every set in podman and loads them into dockerd. */
export async function buildSampleImages(
  dir: string,
  images: readonly string[],
  sets: readonly ImageSetSpec[],
  env: NodeJS.ProcessEnv,
): Promise<BedImageSet[]> {
  const refsOf = (set: ImageSetSpec) => images.map((image) => `${set.path}/${image}:${set.tag}`);
  const allRefs = sets.flatMap(refsOf);
  // Two builds at a time: the machine has two cores and builds are short.
  await inBatches(allRefs, 2, (ref, i) => buildImage(join(dir, `ctx-${i}`), ref, env));

  const archive = join(dir, "images.tar");
  await run("podman", ["save", "--multi-image-archive", "--format", "docker-archive", "-o", archive, ...allRefs], { env });
  await run("docker", ["load", "-i", archive], { env });
  // podman saves short names as localhost/<name>; docker must see the names a vendor bundle has.
  for (const ref of allRefs) {
    await run("docker", ["tag", `localhost/${ref}`, ref], { env });
    await run("docker", ["image", "rm", `localhost/${ref}`], { env });
  }

  return Promise.all(
    sets.map(async (set) => ({
      path: set.path,
      tag: set.tag,
      podmanIds: zip(images, await imageIds("podman", refsOf(set), env)),
      dockerIds: zip(images, await imageIds("docker", refsOf(set), env)),
    })),
  );
}

/** Builds one `FROM scratch` image of random bytes in podman; `as` builds it as that user (rootless). */
export async function buildImage(ctx: string, ref: string, env: NodeJS.ProcessEnv, as?: RunOptions["as"]): Promise<void> {
  mkdirSync(ctx, { recursive: true });
  writeFileSync(join(ctx, "payload"), randomBytes(4096));
  writeFileSync(join(ctx, "Containerfile"), `FROM scratch\nLABEL test-bed-image="${ref}"\nCOPY payload /payload\n`);
  await run("podman", ["build", "--quiet", "--pull=never", "--tag", ref, ctx], { env, as });
}

/** `sha256:<hex>` ids in the order of `refs`. */
async function imageIds(tool: "podman" | "docker", refs: readonly string[], env: NodeJS.ProcessEnv): Promise<string[]> {
  const out = await run(tool, ["image", "inspect", "--format", "{{.Id}}", ...refs], { env });
  const ids = out.split("\n").map((id) => (id.startsWith("sha256:") ? id : `sha256:${id}`));
  if (ids.length !== refs.length)
    throw new Error(`test bed: ${tool} image inspect returned ${ids.length} ids for ${refs.length} images`);
  return ids;
}

function zip(keys: readonly string[], values: readonly string[]): Record<string, string> {
  return Object.fromEntries(keys.map((key, i) => [key, values[i] ?? ""]));
}

async function inBatches<T>(items: readonly T[], size: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) {
    await Promise.all(items.slice(i, i + size).map((item, j) => work(item, i + j)));
  }
}
