/**
 * Section E (issue 23): push-images beside skopeo on a single image of one
 * layer of random bytes (1 GiB; `--skopeo-gib`, a quarter with --quick) —
 * what a vendor's jars look like to gzip — and on the product-like set;
 * plus `--version`'s peak RSS against the embedded Node.js's `-e 0`.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { peakRssKiB } from "./artifacts-bench.ts";
import { enginePushPeaks, type EnginePushPeak } from "./engine-push-peak.ts";
import { createPodmanStorage, type PodmanStorage } from "./podman-storage.ts";
import { mustRun } from "./processes.ts";
import { IMAGES, sourceRef } from "./product.ts";
import { buildProductLikeImages, PRODUCT_LIKE_SIZES, writeRandom } from "./product-like-images.ts";
import type { SectionContext, SectionResult } from "./sections.ts";
import { skopeoBench, GNU_TIME, type SkopeoSample } from "./skopeo-bench.ts";
import { skopeoRows, skopeoTable, skopeoTargets, type VersionMemory } from "./skopeo-results.ts";
import { median } from "./stats.ts";

const VERSION_RUNS = 5;

export async function skopeoSection(ctx: SectionContext): Promise<SectionResult> {
  const { options, progress } = ctx;
  if (!existsSync(GNU_TIME)) throw new Error(`section E needs ${GNU_TIME} for peak memory: apt-get install time`);
  const randomBytes = Math.round(options.skopeoGib * 1024 ** 3);
  const scale = options.quick ? 4 : 1;
  const sizes = { baseBytes: PRODUCT_LIKE_SIZES.baseBytes / scale, ownBytes: PRODUCT_LIKE_SIZES.ownBytes / scale };
  const common = {
    workDir: ctx.workDir,
    benchDir: join(ctx.root, "bench"),
    binary: ctx.binary,
    cleanup: ctx.cleanup,
    runs: options.runs,
    progress,
  };
  const samples: SkopeoSample[] = [];
  const engine: EnginePushPeak[] = [];
  const sets: { set: string; images: readonly string[]; build: (storage: PodmanStorage, dir: string) => Promise<unknown> }[] = [
    {
      set: "incompressible",
      images: IMAGES.slice(0, 1),
      build: (storage, dir) => buildRandomImage(storage, dir, IMAGES[0] as string, randomBytes),
    },
    {
      set: "product-like",
      images: IMAGES,
      build: (storage, dir) => buildProductLikeImages(storage, dir, IMAGES, sourceRef, sizes),
    },
  ];
  for (const { set, images, build } of sets) {
    const mark = ctx.cleanup.mark();
    try {
      const dir = join(ctx.workDir, `skopeo-build-${set}`);
      mkdirSync(dir, { recursive: true });
      const storage = createPodmanStorage(join(dir, "storage"), ctx.cleanup);
      progress(`E. skopeo: building the ${set} set ...`);
      await build(storage, dir);
      progress(`E. skopeo: ${options.runs} runs x (2 saves + 2 pushes) on the ${set} set ...`);
      samples.push(...(await skopeoBench({ ...common, set, storage, images })));
      if (set === "product-like") {
        progress(`E. engine push: ${options.runs} runs of push-images -c podman, its own peak RSS ...`);
        engine.push(...(await enginePushPeaks({ ...common, storage, images })));
      }
    } finally {
      await ctx.cleanup.runSince(mark);
    }
  }
  progress(`E. skopeo: --version peak RSS, ${VERSION_RUNS} runs each ...`);
  const version = versionMemory(ctx.root, ctx.binary);
  const rows = skopeoRows(samples);
  const gib = `${options.skopeoGib} GiB`;
  const enginePeakKiB = median(engine.map((e) => e.peakKiB));
  const targets = skopeoTargets(rows, version, gib, enginePeakKiB);
  const text =
    `E. Beside skopeo (issue 23): incompressible = 1 image, one layer of ${gib} of random bytes; ` +
    `product-like = ${IMAGES.length} images (${mib(sizes.baseBytes)} base, ${mib(sizes.ownBytes)} own each); ` +
    `${options.runs} runs each, medians; loopback; fresh registry and empty blob-info cache per push.\n` +
    `save = push-images save vs skopeo copy --dest-compress containers-storage:... oci:DIR; ` +
    `push = push-images --from-archive into an empty registry vs skopeo copy oci:DIR docker://...; ` +
    `peak RSS = ${GNU_TIME} -f %M of the same runs (largest process)\n\n${skopeoTable(rows)}\n\n` +
    `--version peak RSS ${(version.versionKiB / 1024).toFixed(1)} MiB vs ${version.floor} -e 0 ${(version.floorKiB / 1024).toFixed(1)} MiB\n` +
    `engine push (-c podman) of the product-like set: push-images' own peak RSS (VmHWM) ${(enginePeakKiB / 1024).toFixed(1)} MiB, ` +
    `${(median(engine.map((e) => e.ms)) / 1000).toFixed(2)} s (medians of ${engine.length})`;
  return { json: { sizes, randomBytes, rows, version, engine, targets, samples }, text, targets };
}

async function buildRandomImage(storage: PodmanStorage, dir: string, image: string, bytes: number): Promise<void> {
  const context = join(dir, "random-context");
  mkdirSync(context, { recursive: true });
  writeFileSync(join(context, "Containerfile"), "FROM scratch\nCOPY random /random\n");
  writeRandom(join(context, "random"), bytes);
  await mustRun("podman", ["build", "--quiet", "--pull=never", "--tag", sourceRef(image), context], { env: storage.env });
  rmSync(context, { recursive: true, force: true });
}

/** Medians of `--version` and of the embedded Node.js's `-e 0` (node on PATH when the build cache is gone). */
function versionMemory(root: string, binary: string): VersionMemory {
  const { version } = JSON.parse(readFileSync(join(root, "scripts/node-runtime.json"), "utf8")) as { version: string };
  const embedded = join(root, ".cache", `node-v${version}`, "x64", "node");
  const floor = existsSync(embedded) ? embedded : process.execPath;
  const runs = (command: string[]) => median(Array.from({ length: VERSION_RUNS }, () => peakRssKiB(command)));
  return {
    versionKiB: runs([binary, "--version"]),
    floorKiB: runs([floor, "-e", "0"]),
    floor: floor === embedded ? `Node.js ${version} (embedded)` : `node ${process.version}`,
  };
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}
