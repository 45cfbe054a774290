/**
 * `push-images save`: the chosen images in one bundle, an OCI image layout
 * in a tar with gzip layers that podman and docker both load too
 * (src/bundle/oci-documents.ts), written in one pass: each layer is rebuilt
 * from podman's storage (storage-archive.ts), or comes through a pipe in
 * the container tool's docker-archive (engine-archive.ts; docker, or a
 * podman storage that can not be read so), and is hashed and gzipped
 * straight into the bundle as it arrives, nothing of it kept on disk or in
 * memory; the documents follow once every layer is in.
 *
 * What proves the bundle right before it is renamed into place, each digest
 * taken once, on the way:
 * - each layer's diff_id, from its bytes as they pass, against its
 *   config's `rootfs.diff_ids` (a mismatch, or an archive that breaks off,
 *   fails the save);
 * - each gzip blob's digest and size, from the bytes written; the gzip's
 *   own CRC-32 and size trailer, from the layer's bytes on the way in;
 * - each file's sha256 (`<name>.sha256`), from the file read back as it is
 *   written (tar-writer.ts);
 * - then the bundle is read as --from-archive reads it before pushing: the
 *   tar, the documents and configs against each other, every blob where
 *   they say (open-bundle.ts's checkBundleFiles).
 * The layers are not inflated again: that second pass over every byte
 * (and a second diff_id) made save half again as slow as skopeo, and what
 * it would catch, a wrong gzip of right bytes, is the compressor's, proven
 * by the e2e tests that load bundles and round-trip random and text layers
 * to their image ids (block-gzip.test.ts). Any engine that loads or pulls
 * the layer checks its CRC-32 and diff_id again.
 *
 * Written under temporary names beside the target and only then renamed: a
 * failed or interrupted save leaves nothing under the final names.
 */
import { rename, rm } from "node:fs/promises";
import { basename } from "node:path";
import type { Readable } from "node:stream";
import type { ContainerTool } from "../engine/container-tool.ts";
import { diagnose } from "../engine/diagnose.ts";
import { failure } from "../core/errors.ts";
import type { Logger } from "../core/logger.ts";
import { sourceImagesMissing } from "../engine/source-images.ts";
import { VERSION } from "../cli/version.ts";
import { findLocalLists } from "../engine/local-lists.ts";
import { chosenList, namesToSave, type SavedById } from "./save-lists.ts";
import { checkBundleFiles } from "./open-bundle.ts";
import { type SaveIndex } from "./oci-documents.ts";
import { finishBundle } from "./write-bundle.ts";
import { savedImageLines } from "./saved-image-lines.ts";
import { removeStaleOutputs } from "./stale-outputs.ts";
import { writeChecksumFile } from "./checksum-file.ts";
import { partialName } from "./replace-file.ts";
import type { SaveOptions } from "./save-options.ts";
import { takeEngineArchive, type StreamedArchive } from "./engine-archive.ts";
import { brokenSave, savedSources } from "./saved-sources.ts";
import { saveFromStore } from "./storage-archive.ts";
import { TarStreamError } from "./tar-stream.ts";
import { TarWriter } from "./tar-writer.ts";
import { shortReference } from "./bundle-blobs.ts";
import { readAhead } from "./read-ahead.ts";

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

/** How a save is run: what stops it, and who hears which stage it is in. */
export interface SaveRun {
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
  const references = options.images.map((image) => `${options.sourcePath}/${image}:${options.sourceTag}`);
  // Asked at once (a tenth of a second each); the inspection is judged only once the tool is known to answer.
  const inspecting = tool.inspectImages(references);
  inspecting.catch(() => undefined);
  const storeAsked = tool.name === "podman" ? tool.podmanStore() : Promise.resolve(undefined);
  storeAsked.catch(() => undefined);
  const toolVersion = await tool.checkAvailable("");
  const inspected = await inspecting;
  // podman's manifest lists among them, with the platforms --platform keeps (PLATFORM_MISSING, exit 2, before anything is written).
  const lists = await findLocalLists(tool, tool.shell, inspected, options.platforms);
  const ids = references.map((reference) => inspected.get(reference)?.id);
  const missing = references.filter((reference, index) => ids[index] === undefined && !lists.has(reference));
  if (missing.length > 0) throw await sourceImagesMissing(tool, options.sourcePath, missing, references.length);

  const partials: string[] = [];
  const partial = (index: number) => partialName(`${options.output}${options.split ? `.${String(index).padStart(3, "0")}` : ""}`);
  const tar = new TarWriter((index) => (partials[index] = partial(index)), options.split, run.signal);
  try {
    stage("saving");
    const names = namesToSave(references, lists);
    const count = `${references.length} image${references.length === 1 ? "" : "s"}`;
    log.info(`Saving ${count} with ${tool.name} to ${options.output}, each layer compressed as it comes ...`);
    const storedIds = references.flatMap(
      (reference, i) => lists.get(reference)?.chosen.map((entry) => entry.id) ?? [ids[i] ?? ""],
    );
    const fromStore = await saveFromStore(await storeAsked, [...new Set(storedIds)], tar, log);
    const broken = brokenSave(tool.name, names);
    const sources = fromStore ?? savedSources(await streamSave(tool, names, tar, broken), broken);
    const find: SavedById = (id, what) => {
      const found = sources.find((saved) => saved.id === id);
      if (!found) throw broken(`it left out ${what} (${id})`);
      return found;
    };
    const chosen = options.images.map((image, i) => {
      const reference = references[i] as string;
      const list = lists.get(reference);
      return list ? chosenList(image, reference, list, find) : { image, reference, source: find(ids[i] ?? "", reference) };
    });

    stage("writing");
    const index = await finishBundle(tar, chosen, `push-images ${VERSION} with ${tool.name} ${toolVersion}`);
    const written = tar.sums().map((sum, i) => ({ ...sum, file: tar.files[i] as string }));

    stage("the bundle check");
    log.info("Checking the bundle ...");
    const check = await checkBundleFiles(written, { log, signal: run.signal });
    const absent = index.images.filter(
      (image) => !check.images.some((read) => read.reference === shortReference(image.reference) && read.id === image.id),
    );
    if (absent.length > 0)
      throw failure(
        "ARCHIVE_INVALID",
        `the bundle written lacks ${absent.map((a) => a.reference).join(", ")}`,
        "run the save again",
      );

    stage("renaming");
    const finalNames = written.map((_, i) =>
      options.split ? `${options.output}.${String(i).padStart(3, "0")}` : options.output,
    );
    await removeStaleOutputs(options.output, finalNames.length, options.split !== undefined);
    const files = [];
    for (const [i, file] of finalNames.entries()) {
      const { size, sha256 } = written[i] as { size: number; sha256: string };
      await rename(written[i]?.file as string, file);
      files.push({ file, bytes: size, sha256, checksumFile: await writeChecksumFile(file, sha256) });
    }
    const bytes = files.reduce((total, file) => total + file.bytes, 0);
    return { file: options.output, files, bytes, index, seconds: (performance.now() - started) / 1000 };
  } finally {
    await tar.close();
    await Promise.all(partials.map((file) => rm(file, { force: true })));
  }
}

/**
 * Runs the tool's save into a pipe and takes the archive as it comes. When
 * the bundle's side fails (a full disk, Ctrl-C), that is the error, and the
 * tool is stopped by closing its pipe; when the tool fails, its own error;
 * when the archive breaks off or disagrees with itself, ARCHIVE_INVALID.
 */
async function streamSave(
  tool: ContainerTool,
  names: readonly string[],
  tar: TarWriter,
  broken: (why: string) => Error,
): Promise<StreamedArchive> {
  let taken: Promise<{ archive?: StreamedArchive; error?: unknown }> | undefined;
  const saved = await tool.save(names, (stdout: Readable) => {
    taken = takeEngineArchive(readAhead(stdout), tar).then(
      (archive) => {
        // What follows the tar's end (its second zero block) is let through, so the tool ends as it should.
        stdout.removeAllListeners("data");
        stdout.resume();
        return { archive };
      },
      (error: unknown) => {
        stdout.destroy();
        return { error };
      },
    );
  });
  const { archive, error } = (await taken) ?? { error: new TarStreamError("it wrote nothing") };
  if (error !== undefined && !(error instanceof TarStreamError)) throw error;
  if (saved.exitCode !== 0) {
    const context = { tool: tool.name, registryHost: "", action: `${tool.name} save`, command: saved };
    throw diagnose(`${saved.stderr}\n${saved.stdout}`, context);
  }
  if (!archive) throw broken(error instanceof Error ? error.message : String(error));
  return archive;
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
