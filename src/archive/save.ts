/**
 * `push-images save`: the chosen images in one docker-archive that podman
 * and docker both load, with an index inside (each image, its id, and what
 * wrote it). It is written under a temporary name beside the target, checked
 * like any archive to be pushed from, and only then renamed: a failed or
 * interrupted save leaves nothing under the final name. Its sha256 goes
 * beside it in `<name>.sha256`.
 */
import { mkdtemp, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { r as appendToTar } from "tar";
import type { ContainerTool } from "../container-tool.ts";
import { diagnose } from "../diagnose.ts";
import { failure } from "../errors.ts";
import type { Logger } from "../logger.ts";
import { sourceImagesMissing } from "../source-images.ts";
import { VERSION } from "../version.ts";
import { INDEX_FILE, readArchiveAndSum, type ArchiveIndex } from "./archive-contents.ts";
import { writeChecksumFile } from "./checksum-file.ts";
import type { SaveOptions } from "./save-options.ts";

export interface SaveResult {
  readonly file: string;
  readonly bytes: number;
  /** The archive's sha256 (hex), also written to `checksumFile`. */
  readonly sha256: string;
  readonly checksumFile: string;
  readonly index: ArchiveIndex;
  readonly seconds: number;
}

/** How a save is run: where temporary files go, what stops it, and who hears which stage it is in. */
export interface SaveRun {
  readonly tempDir: string;
  /** Aborted by Ctrl-C or SIGTERM: the save stops at its next step and leaves nothing. */
  readonly signal?: AbortSignal;
  readonly stage?: (stage: string) => void;
}

export async function saveArchive(options: SaveOptions, tool: ContainerTool, log: Logger, run: SaveRun): Promise<SaveResult> {
  const started = performance.now();
  const stage = (now: string) => {
    run.signal?.throwIfAborted();
    run.stage?.(now);
  };
  const toolVersion = await tool.checkAvailable("");
  const references = options.images.map((image) => `${options.sourcePath}/${image}:${options.sourceTag}`);
  const found = await tool.imageIds(references);
  const ids = references.map((reference) => found.get(reference));
  const missing = references.filter((_, index) => ids[index] === undefined);
  if (missing.length > 0) throw await sourceImagesMissing(tool, options.sourcePath, missing, references.length);

  const partial = join(dirname(options.output), `.${basename(options.output)}.partial-${process.pid}`);
  const indexDir = await mkdtemp(join(run.tempDir, "index-"));
  try {
    stage("saving");
    log.info(`Saving ${references.length} image${references.length === 1 ? "" : "s"} with ${tool.name} to ${options.output} ...`);
    const saved = await tool.save(references, partial);
    if (saved.exitCode !== 0) throw diagnose(`${saved.stderr}\n${saved.stdout}`, { tool: tool.name, registryHost: "", action: `${tool.name} save` });

    const index: ArchiveIndex = {
      writer: `push-images ${VERSION} with ${tool.name} ${toolVersion}`,
      created: new Date().toISOString(),
      images: options.images.map((image, i) => ({ image, reference: references[i] as string, id: ids[i] as string })),
    };
    await writeFile(join(indexDir, INDEX_FILE), `${JSON.stringify(index, null, 2)}\n`);
    await appendToTar({ file: partial, cwd: indexDir, portable: true }, [INDEX_FILE]);

    stage("the archive check");
    log.info("Checking the archive ...");
    const contents = await readArchiveAndSum(partial);
    stage("the archive check");
    const absent = index.images.filter((listed) => !contents.images.some((image) => image.id === listed.id));
    if (absent.length > 0) {
      throw failure("ARCHIVE_INVALID", `${tool.name} save left out ${absent.map((a) => a.reference).join(", ")}`, `run '${tool.name} save' by hand to see why`);
    }
    await rename(partial, options.output);
    const { sha256 } = contents;
    const checksumFile = await writeChecksumFile(options.output, sha256);
    const { size } = await stat(options.output);
    return { file: options.output, bytes: size, sha256, checksumFile, index, seconds: (performance.now() - started) / 1000 };
  } finally {
    await rm(partial, { force: true });
    await rm(indexDir, { recursive: true, force: true });
  }
}

export function saveSummary(result: SaveResult): string[] {
  const megabytes = (result.bytes / 1024 / 1024).toFixed(1);
  return [
    `Saved ${result.index.images.length} image${result.index.images.length === 1 ? "" : "s"} (${megabytes} MiB) to ${result.file} in ${result.seconds.toFixed(1)}s`,
    ...result.index.images.map((image) => `  ${image.reference}  ${image.id}`),
    `sha256 ${result.sha256}, written to ${result.checksumFile}: check each copy with sha256sum -c ${basename(result.checksumFile)}`,
    `Push from it with: push-images --from-archive ${result.file} -r <registry>[/path]`,
  ];
}
