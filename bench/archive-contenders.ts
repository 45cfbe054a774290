/**
 * Section C's contenders (issue 11): each saves the product's images to
 * one file or layout, or pushes them from it into a registry, and checks it
 * did. Every run goes through `unshare` with an empty blob-info cache of
 * its own (blob-info-cache.ts), the tool's too: the wrapper costs all the
 * same, and podman and skopeo cannot profit from an earlier run.
 */
import { readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { ownBlobInfoCache } from "./blob-info-cache.ts";
import { checkToolRun } from "./contenders.ts";
import type { PodmanStorage } from "./podman-storage.ts";
import { tail, timed, type Timed } from "./processes.ts";
import { IMAGES, SOURCE_PATH, SOURCE_TAG, TARGET_PATH } from "./product.ts";

/** Where a contender runs: the bench's scripts and binary, and a blob-info cache directory for this run. */
export interface ContenderRun {
  readonly benchDir: string;
  readonly binary: string;
  readonly cache: string;
}

/** `push-images save` of all images into `bundle`; returns the run and the bundle's size (its .sha256 aside). */
export async function toolSave(at: ContenderRun, storage: PodmanStorage, bundle: string): Promise<{ run: Timed; bytes: number }> {
  rmSync(bundle, { force: true });
  rmSync(`${bundle}.sha256`, { force: true });
  const run = await must("push-images save", at, [at.binary, "save", "-o", bundle, "-c", "podman"], storage.env);
  return { run, bytes: statSync(bundle).size };
}

/** skopeo copy --dest-compress of each image, one after the other, into one OCI layout; its size is the sum of its files. */
export async function skopeoSave(
  at: ContenderRun,
  storage: PodmanStorage,
  layout: string,
): Promise<{ run: Timed; bytes: number }> {
  rmSync(layout, { recursive: true, force: true });
  const loop = ["bash", join(at.benchDir, "skopeo-loop.sh"), "save", layout, SOURCE_PATH, SOURCE_TAG, ...IMAGES];
  const run = await must("skopeo save loop", at, loop, storage.env);
  return { run, bytes: treeBytes(layout) };
}

/** `push-images --from-archive`; `expect` is what every image must report (a fast failure is not a fast push). */
export async function toolPush(
  at: ContenderRun,
  site: PodmanStorage,
  bundle: string,
  host: string,
  expect: "pushed" | "up-to-date",
): Promise<Timed> {
  const args = ["--from-archive", bundle, "-r", `${host}/${TARGET_PATH}`, "-t", "--json"];
  const run = await timed("unshare", ownBlobInfoCache(at.cache, at.binary, args), { env: site.env });
  checkToolRun(`push-images --from-archive (${expect})`, run, expect);
  return run;
}

/** skopeo copy of each image from the layout to the registry, one after the other. */
export function skopeoPush(at: ContenderRun, layout: string, host: string): Promise<Timed> {
  const loop = ["bash", join(at.benchDir, "skopeo-loop.sh"), "push", layout, `${host}/${TARGET_PATH}`, SOURCE_TAG, ...IMAGES];
  return must("skopeo push loop", at, loop);
}

/** `podman load` of the bundle into the (emptied) site storage, then the seed's tag + push loop; timed apart. */
export async function podmanLoadAndPush(
  at: ContenderRun,
  site: PodmanStorage,
  bundle: string,
  host: string,
): Promise<{ load: Timed; push: Timed }> {
  const load = await must("podman load", at, ["podman", "load", "-i", bundle], site.env);
  const target = `${host}/${TARGET_PATH}`;
  const seed = [
    "bash",
    join(at.benchDir, "seed-loop.sh"),
    "podman",
    target,
    "--tls-verify=false",
    SOURCE_PATH,
    SOURCE_TAG,
    ...IMAGES,
  ];
  return { load, push: await must("seed loop after podman load", at, seed, site.env) };
}

async function must(
  label: string,
  at: ContenderRun,
  [command = "", ...args]: readonly string[],
  env?: NodeJS.ProcessEnv,
): Promise<Timed> {
  const run = await timed("unshare", ownBlobInfoCache(at.cache, command, args), env ? { env } : {});
  if (run.code !== 0) throw new Error(`${label} exited ${run.code}:\n${tail(run.stderr || run.stdout)}`);
  return run;
}

/** Bytes of every regular file under `dir`. */
export function treeBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .reduce((sum, entry) => sum + statSync(join(entry.parentPath, entry.name)).size, 0);
}
