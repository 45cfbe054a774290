/**
 * A plain copy of a gzipped archive, for tools that load only plain tar.
 * Undefined when the file is not gzipped.
 */
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";

export async function gunzippedCopy(file: string): Promise<{ file: string; remove: () => Promise<void> } | undefined> {
  if (!(await isGzip(file))) return undefined;
  const dir = await mkdtemp(join(tmpdir(), "push-images-load-"));
  const plain = join(dir, basename(file).replace(/\.(t?gz)$/, ".tar"));
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    await pipeline(createReadStream(file), createGunzip(), createWriteStream(plain));
  } catch (error) {
    await remove();
    throw error;
  }
  return { file: plain, remove };
}

/** Whether the file starts with the gzip magic bytes. */
export async function isGzip(file: string): Promise<boolean> {
  const handle = await open(file, "r");
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await handle.close();
  }
}
