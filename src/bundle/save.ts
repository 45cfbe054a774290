/**
 * `push-images save`: the chosen images in one bundle, an OCI image layout
 * in a tar with gzip layers (compressed once, here) that podman and docker
 * both load too (src/bundle/oci-documents.ts). The container tool's own
 * docker-archive goes to the run's temporary directory; the bundle is
 * written under temporary names beside the target, read back and checked
 * like any bundle to be pushed from, and only then renamed: a failed or
 * interrupted save leaves nothing under the final names. Each file's
 * sha256 goes beside it in `<name>.sha256`.
 */
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import type { ContainerTool } from "../engine/container-tool.ts";
import { diagnose } from "../engine/diagnose.ts";
import { failure } from "../core/errors.ts";
import type { Logger } from "../core/logger.ts";
import { sourceImagesMissing } from "../engine/source-images.ts";
import { VERSION } from "../cli/version.ts";
import { compressLayers } from "./compress-layers.ts";
import { findLocalLists } from "../engine/local-lists.ts";
import { chosenList, namesToSave, type SavedById } from "./save-lists.ts";
import { readBundle } from "./open-bundle.ts";
import { type SaveIndex } from "./oci-documents.ts";
import { writeBundle } from "./write-bundle.ts";
import { savedImageLines } from "./saved-image-lines.ts";
import { removeStaleOutputs } from "./stale-outputs.ts";
import { writeChecksumFile } from "./checksum-file.ts";
import { partialName } from "./replace-file.ts";
import type { SaveOptions } from "./save-options.ts";

export interface SaveResult {
  /** The bundle as named by -o (its parts carry `.000`, ... when split). */
  readonly file: string;
  /** Each file written with its size and sha256 (hex), also in `<file>.sha256`. */
  readonly files: ReadonlyArray<{
    readonly file: string;
    readonly bytes: number;
    readonly sha256: string;
    readonly checksumFile: string;
  }>;
  readonly bytes: number;
  readonly index: SaveIndex;
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
  const inspected = await tool.inspectImages(references);
  // podman's manifest lists among them, with the platforms --platform keeps (PLATFORM_MISSING, exit 2, before anything is written).
  const lists = await findLocalLists(tool, tool.shell, inspected, options.platforms);
  const ids = references.map((reference) => inspected.get(reference)?.id);
  const missing = references.filter((reference, index) => ids[index] === undefined && !lists.has(reference));
  if (missing.length > 0) throw await sourceImagesMissing(tool, options.sourcePath, missing, references.length);

  const work = join(run.tempDir, "save");
  const partials: string[] = [];
  const partial = (index: number) => partialName(`${options.output}${options.split ? `.${String(index).padStart(3, "0")}` : ""}`);
  try {
    await mkdir(work, { recursive: true });
    stage("saving");
    log.info(`Saving ${references.length} image${references.length === 1 ? "" : "s"} with ${tool.name} to ${options.output} ...`);
    const archive = join(work, "images.tar");
    const saved = await tool.save(namesToSave(references, lists), archive);
    if (saved.exitCode !== 0) {
      const context = { tool: tool.name, registryHost: "", action: `${tool.name} save`, command: saved };
      throw diagnose(`${saved.stderr}\n${saved.stdout}`, context);
    }

    stage("the archive check");
    log.info(`Checking the archive ${tool.name} saved ...`);
    const { images: savedImages } = await readBundle([{ file: archive, size: (await stat(archive)).size }], {
      log,
      signal: run.signal,
    });
    const find: SavedById = (id, what) => {
      const found = savedImages.find((saved) => saved.id === id);
      if (!found)
        throw failure(
          "ARCHIVE_INVALID",
          `${tool.name} save left out ${what} (${id})`,
          `run it by hand to see why: ${tool.name} save -o /tmp/check.tar ${id.replace(/^sha256:/, "")}`,
        );
      return found;
    };
    const chosen = options.images.map((image, i) => {
      const reference = references[i] as string;
      const list = lists.get(reference);
      return list ? chosenList(image, reference, list, find) : { image, reference, source: find(ids[i] ?? "", reference) };
    });

    stage("compressing");
    const layers = chosen.flatMap((image) => (image.platforms ?? [image]).flatMap((entry) => entry.source.layers));
    log.info(`Compressing ${new Set(layers.map((layer) => layer.digest)).size} distinct layers ...`);
    const compressed = await compressLayers(layers, { dir: work, signal: run.signal });

    stage("writing");
    const writer = `push-images ${VERSION} with ${tool.name} ${toolVersion}`;
    const written = await writeBundle(chosen, compressed, {
      fileFor: (index) => (partials[index] = partial(index)),
      splitBytes: options.split,
      writer,
      signal: run.signal,
    });
    // The configs came from it until now; the check below needs the disk more.
    await rm(archive, { force: true });

    stage("the bundle check");
    log.info("Checking the bundle ...");
    const sizes = await Promise.all(written.files.map(async (file) => ({ file, size: (await stat(file)).size })));
    const check = await readBundle(sizes, { log, signal: run.signal });
    const absent = written.index.images.filter(
      (image) => !check.images.some((read) => read.reference === image.reference && read.id === image.id),
    );
    if (absent.length > 0)
      throw failure(
        "ARCHIVE_INVALID",
        `the bundle written lacks ${absent.map((a) => a.reference).join(", ")}`,
        "run the save again",
      );

    stage("renaming");
    const finalNames = written.files.map((_, index) =>
      options.split ? `${options.output}.${String(index).padStart(3, "0")}` : options.output,
    );
    await removeStaleOutputs(options.output, finalNames.length, options.split !== undefined);
    const files = [];
    for (const [index, file] of finalNames.entries()) {
      await rename(written.files[index] as string, file);
      const sha256 = check.sums[index] ?? "";
      files.push({ file, bytes: sizes[index]?.size ?? 0, sha256, checksumFile: await writeChecksumFile(file, sha256) });
    }
    const bytes = files.reduce((total, file) => total + file.bytes, 0);
    return { file: options.output, files, bytes, index: written.index, seconds: (performance.now() - started) / 1000 };
  } finally {
    await Promise.all(partials.map((file) => rm(file, { force: true })));
    await rm(work, { recursive: true, force: true });
  }
}

/** The summary; `columns`: the terminal's width, which the image lines fit (saved-image-lines.ts). */
export function saveSummary(result: SaveResult, columns?: number): string[] {
  const megabytes = (result.bytes / 1024 / 1024).toFixed(1);
  const count = result.index.images.length;
  const where =
    result.files.length > 1
      ? `${result.files.length} parts ${basename(result.files[0]?.file ?? "")} ... ${basename(result.files.at(-1)?.file ?? "")}`
      : result.file;
  const check =
    result.files.length > 1 ? `sha256sum -c ${basename(result.file)}.*.sha256` : `sha256sum -c ${basename(result.file)}.sha256`;
  return [
    `Saved ${count} image${count === 1 ? "" : "s"} (${megabytes} MiB, gzip layers) to ${where} in ${result.seconds.toFixed(1)}s`,
    ...savedImageLines(result.index.images, columns),
    ...result.files.map((file) => `sha256 ${file.sha256}  ${basename(file.file)} (in ${basename(file.checksumFile)})`),
    `Check each copy with: ${check}`,
    `Push from it with: push-images --from-archive ${result.files.length > 1 ? result.files[0]?.file : result.file} -r <registry>[/path]`,
  ];
}
