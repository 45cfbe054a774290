/**
 * Compresses the distinct layers of a docker-archive once, each in blocks
 * over every core (src/bundle/block-gzip.ts), two layers at a time so the
 * cores stay busy across a layer's last block and the next one's first.
 * Each layer is streamed from its offset in the (already checked) archive,
 * nothing held in memory, and the gzip bytes are hashed as they are written
 * to a file in the run's temporary directory; the same few buffers serve
 * every block.
 */
import { createHash } from "node:crypto";
import { open } from "node:fs/promises";
import { join } from "node:path";
import { blockGzip } from "./block-gzip.ts";
import type { BundleBlob } from "./bundle.ts";

/** Layers compressed at once: each spreads over every core already. */
const LAYERS_AT_ONCE = 2;

/** A compressed layer, ready to go into the bundle. */
export interface CompressedLayer {
  readonly digest: string;
  readonly size: number;
  readonly file: string;
}

/** Compresses each distinct layer once, largest first; keyed by the uncompressed digest (diff_id). */
export async function compressLayers(
  layers: readonly BundleBlob[],
  options: { readonly dir: string; readonly signal?: AbortSignal; readonly level?: number },
): Promise<Map<string, CompressedLayer>> {
  const distinct = [...new Map(layers.map((layer) => [layer.digest, layer])).values()].sort((a, b) => b.size - a.size);
  const done = new Map<string, CompressedLayer>();
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < distinct.length; index = next++) {
      const layer = distinct[index] as BundleBlob;
      done.set(layer.digest, await compressOne(layer, join(options.dir, `layer-${index}.gz`), options));
    }
  };
  await Promise.all(Array.from({ length: Math.min(LAYERS_AT_ONCE, distinct.length) }, worker));
  return done;
}

async function compressOne(
  layer: BundleBlob,
  file: string,
  options: { signal?: AbortSignal; level?: number },
): Promise<CompressedLayer> {
  const packed = createHash("sha256");
  let size = 0;
  const handle = await open(file, "wx");
  try {
    // reuse: each piece is written and hashed before the next is asked for.
    for await (const piece of blockGzip(layer.open(), { level: options.level, reuse: true })) {
      options.signal?.throwIfAborted();
      packed.update(piece);
      size += piece.length;
      for (let at = 0; at < piece.length;) at += (await handle.write(piece, at)).bytesWritten;
    }
  } finally {
    await handle.close();
  }
  return { digest: `sha256:${packed.digest("hex")}`, size, file };
}
