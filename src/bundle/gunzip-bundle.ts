/**
 * A gzipped docker-archive (`docker save | gzip`) is unpacked once into the
 * run's temporary directory, so its blobs can be read at offsets like any
 * other bundle's. The gzip file's own sha256 comes from the same read, for
 * its `.sha256`.
 */
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, rmSync } from "node:fs";
import { mkdtemp, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { isGzip } from "./gunzip.ts";
import { failure } from "../core/errors.ts";
import type { Logger } from "../core/logger.ts";

/** The plain copy, its size, and the gzip file's sha256 (hex); undefined when `file` is not gzipped. */
export async function gunzipIfGzipped(
  file: string,
  options: { readonly log: Logger; readonly signal?: AbortSignal; readonly tempDir?: string },
): Promise<{ file: string; size: number; sha256: string } | undefined> {
  if (!(await isGzip(file))) return undefined;
  const dir = await mkdtemp(join(options.tempDir ?? tmpdir(), "gunzip-"));
  // Without the run's own directory, the copy goes when the process does.
  if (!options.tempDir) process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  const plain = join(dir, basename(file).replace(/\.(tar\.gz|tgz|gz)$/, "") + ".tar");
  const hash = createHash("sha256");
  options.log.info(`${file} is gzipped: unpacking it to ${dir} first`);
  try {
    const input = createReadStream(file);
    input.on("data", (chunk) => hash.update(chunk));
    await pipeline(input, createGunzip(), createWriteStream(plain), { signal: options.signal });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw failure(
      "ARCHIVE_INVALID",
      `${file} is gzipped but cannot be unpacked: ${(error as Error).message}`,
      `copy it again from the original, and check it: gzip -t ${file}`,
    );
  }
  return { file: plain, size: (await stat(plain)).size, sha256: hash.digest("hex") };
}
