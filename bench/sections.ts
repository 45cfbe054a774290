/**
 * The four sections, each turning its raw samples into what is kept (the
 * JSON part), what is printed (a titled table) and the targets it judges.
 */
import { cpus } from "node:os";
import { join } from "node:path";
import { archiveBench } from "./archive-bench.ts";
import { archiveMemory } from "./archive-memory.ts";
import { archiveRows, archiveTable, archiveTargets, memoryLine } from "./archive-results.ts";
import { artifactsBench } from "./artifacts-bench.ts";
import type { Cleanup } from "./cleanup.ts";
import { onPath } from "./machine.ts";
import type { BenchOptions } from "./options.ts";
import { createPodmanStorage, type PodmanStorage } from "./podman-storage.ts";
import { IMAGES, LAYERS_PER_IMAGE, sourceRef } from "./product.ts";
import { startDockerEngine } from "./docker-engine.ts";
import { layersBench } from "./layers-bench.ts";
import { layersRows, layersTable, layersTargets } from "./layers-results.ts";
import { buildProductLikeImages, PRODUCT_LIKE_SIZES, type ProductLikeSizes } from "./product-like-images.ts";
import { pushBench } from "./push-bench.ts";
import { pushBreakdown } from "./push-breakdown.ts";
import { artifactTargets, pushRows, pushTargets, type Target } from "./results.ts";
import { artifactTables, breakdownTable, pushTable } from "./table.ts";

export interface SectionResult {
  readonly json: Record<string, unknown>;
  readonly text: string;
  readonly targets: readonly Target[];
}

export interface SectionContext {
  readonly options: BenchOptions;
  readonly root: string;
  readonly workDir: string;
  readonly binary: string;
  readonly cleanup: Cleanup;
  readonly progress: (line: string) => void;
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;

export function artifactsSection({ options, root, progress }: SectionContext): SectionResult {
  progress("B. artifacts: sizes, --help start-up and peak memory ...");
  const artifacts = artifactsBench(root, options.startupRuns, progress);
  const targets = artifactTargets(artifacts);
  return {
    json: { ...artifacts, targets },
    text: `B. Artifacts (issue 4), ${options.startupRuns} runs each, medians\n\n${artifactTables(artifacts)}`,
    targets,
  };
}

export async function pushSection(ctx: SectionContext, source: PodmanStorage): Promise<SectionResult> {
  const { options, progress } = ctx;
  const common = {
    storage: source,
    workDir: ctx.workDir,
    benchDir: join(ctx.root, "bench"),
    binary: ctx.binary,
    cleanup: ctx.cleanup,
    oneWayMs: options.oneWayMs,
  };
  progress(`A. pushes: ${options.runs} runs x 3 contenders x 2 networks (proxy adds ${options.oneWayMs} ms each way) ...`);
  const samples = await pushBench({ ...common, runs: options.runs, progress });
  const rows = pushRows(samples);
  const targets = pushTargets(rows);
  let traced;
  if (options.breakdown) {
    progress("A. breakdown: traced single runs (every podman call timed) ...");
    traced = await pushBreakdown({ ...common, realPodman: onPath("podman") ?? "podman" });
  }
  const text =
    `A. Pushes (issue 5): ${IMAGES.length} images x ${LAYERS_PER_IMAGE} layers x ${mib(options.layerBytes)}, ${options.runs} runs each, medians; ` +
    `proxy round trip ${2 * options.oneWayMs} ms.\n` +
    `x (a) = median over (a)'s median; paired = median of each run's ratio to that run's (a); conns = TCP connections opened through the proxy\n\n${pushTable(rows)}` +
    (traced
      ? `\n\nWhere the time goes (single traced runs; each podman call costs the trace ~2 ms extra):\n\n${breakdownTable(traced)}`
      : "");
  return {
    json: {
      images: imagesJson(options),
      runs: options.runs,
      proxy: { oneWayMs: options.oneWayMs, roundTripMs: 2 * options.oneWayMs },
      rows,
      targets,
      samples,
      breakdown: traced,
    },
    text,
    targets,
  };
}

/** Section C (issue 11): bundles of the product-like set against skopeo and podman load + the seed loop; peak memory of a big bundle. */
export async function archiveSection(ctx: SectionContext): Promise<SectionResult> {
  const { options, progress } = ctx;
  const sizes = productLikeSizes(options);
  const setText = `${mib(sizes.baseBytes)} shared base of /usr/lib, ${mib(sizes.ownBytes)} of /usr/share each`;
  progress(`C. archives: building the product-like set (${setText}) ...`);
  const source = createPodmanStorage(join(ctx.workDir, "archive-source"), ctx.cleanup);
  const built = await buildProductLikeImages(source, ctx.workDir, IMAGES, sourceRef, sizes);
  const site = createPodmanStorage(join(ctx.workDir, "site"), ctx.cleanup);
  progress(`C. archives: ${options.runs} runs x (2 saves + 2 networks x 3 pushes) ...`);
  const samples = await archiveBench({
    source,
    site,
    workDir: ctx.workDir,
    benchDir: join(ctx.root, "bench"),
    binary: ctx.binary,
    cleanup: ctx.cleanup,
    runs: options.runs,
    oneWayMs: options.oneWayMs,
    progress,
  });
  const bigSizes = { ...sizes, uniqueBytes: BIG_UNIQUE_BYTES / (options.quick ? 4 : 1) };
  const memory = await archiveMemory({
    workDir: ctx.workDir,
    binary: ctx.binary,
    cleanup: ctx.cleanup,
    sizes: bigSizes,
    progress,
  });
  const rows = archiveRows(samples);
  const targets = archiveTargets(rows, built.distinctBlobs, memory);
  const text =
    `C. Archives (issue 11): product-like set, ${IMAGES.length} images (${setText}, ${built.distinctBlobs} distinct blobs); ` +
    `${options.runs} runs each, medians; proxy round trip ${2 * options.oneWayMs} ms; ` +
    `fresh registry and empty blob-info cache per push.\n` +
    `x skopeo / x load+loop = push-images' median over the anchor's median (same phase and network); ` +
    `paired = median of each run's own ratio; ` +
    `size = bundle file, or the sum of the OCI layout's files; uploads = blob uploads that carried data (most in any run)\n\n` +
    `${archiveTable(rows)}\n\n${memoryLine(memory)}`;
  const json = {
    productLike: built,
    sizes,
    runs: options.runs,
    proxy: { oneWayMs: options.oneWayMs },
    rows,
    memory,
    targets,
    samples,
  };
  return { json, text, targets };
}

/** Random bytes in each image of the peak-memory set: seven of them make a bundle over 1 GiB (a quarter with --quick). */
const BIG_UNIQUE_BYTES = 160 * 1024 * 1024;

/** The product-like sizes; a quarter with --quick. */
function productLikeSizes(options: BenchOptions): ProductLikeSizes {
  const scale = options.quick ? 4 : 1;
  return { baseBytes: PRODUCT_LIKE_SIZES.baseBytes / scale, ownBytes: PRODUCT_LIKE_SIZES.ownBytes / scale };
}

/** Section D (issue 13): both image sets, podman and docker, loopback and proxy, against the seed loop. */
export async function layersSection(ctx: SectionContext, distinct: PodmanStorage): Promise<SectionResult> {
  const { options, progress } = ctx;
  const sizes = productLikeSizes(options);
  progress(
    `D. layers: building the product-like set (${mib(sizes.baseBytes)} shared base of /usr/lib, ${mib(sizes.ownBytes)} of /usr/share each) ...`,
  );
  const productLike = createPodmanStorage(join(ctx.workDir, "product-like"), ctx.cleanup);
  const built = await buildProductLikeImages(productLike, ctx.workDir, IMAGES, sourceRef, sizes);
  progress("D. layers: starting a private dockerd ...");
  const docker = await startDockerEngine(join(ctx.workDir, "dockerd"), ctx.cleanup);
  const distinctBlobs = { distinct: IMAGES.length * (LAYERS_PER_IMAGE + 1), "product-like": built.distinctBlobs };
  const sets = [
    { id: "distinct" as const, storage: distinct, distinctBlobs: distinctBlobs.distinct },
    { id: "product-like" as const, storage: productLike, distinctBlobs: built.distinctBlobs },
  ];
  progress(`D. layers: ${options.runs} runs x 2 sets x 2 engines x 2 networks x ${2 + options.layersJobs.length} contenders ...`);
  const samples = await layersBench({
    sets,
    docker,
    workDir: ctx.workDir,
    benchDir: join(ctx.root, "bench"),
    binary: ctx.binary,
    cleanup: ctx.cleanup,
    runs: options.runs,
    oneWayMs: options.oneWayMs,
    extraJobs: options.layersJobs,
    progress,
  });
  const rows = layersRows(samples);
  const targets = layersTargets(rows, distinctBlobs);
  const cores = cpus().length;
  const floor =
    `Compression floor, product-like set: gzip -6 of every distinct layer once (${mib(built.layerBytes)}) takes one core ${(built.gzipOneCoreMs / 1000).toFixed(2)} s, ` +
    `so at least ${(built.gzipOneCoreMs / 1000 / cores).toFixed(2)} s on ${cores} cores, whoever pushes.`;
  const text =
    `D. Layers (issue 13): ${IMAGES.length} images, distinct set (${LAYERS_PER_IMAGE} random layers of ${mib(options.layerBytes)} each) and product-like set; ` +
    `${options.runs} runs each, medians; proxy round trip ${2 * options.oneWayMs} ms; fresh registry and empty podman blob-info cache per fresh push.\n` +
    `x seed = median over the seed loop's median (same set, engine, network, phase); uploads = blob uploads the registry completed (distinct blobs: ` +
    `${distinctBlobs.distinct} and ${distinctBlobs["product-like"]})\n\n${layersTable(rows)}\n\n${floor}`;
  return { json: { sizes, productLike: built, distinctBlobs, runs: options.runs, rows, targets, samples }, text, targets };
}

function imagesJson(options: BenchOptions) {
  return { count: IMAGES.length, layersPerImage: LAYERS_PER_IMAGE, layerBytes: options.layerBytes };
}
