/**
 * A blob of a bundle as the uploader reads it: straight from its offset in
 * the bundle's file(s), every read handed to the blob's check in passing
 * (blob-check.ts). Upload bodies reuse a ring of three buffers, so a
 * gigabyte layer costs the same memory as a small one: a fresh buffer a
 * read lets RSS climb far ahead of the garbage collector.
 */
import { Readable } from "node:stream";
import type { BlobCheck } from "./blob-check.ts";
import type { BundleBlob } from "./bundle.ts";
import type { PartSource } from "./part-source.ts";
import type { TarEntry } from "./tar-index.ts";

/**
 * Each read, hash, inflate and socket write of an upload body: every read
 * and every write to zlib is a round trip to libuv's thread pool, and on
 * two loaded cores those hand-offs cost more than the bytes. Measured on
 * --from-archive of a 1 GiB random layer (issue 23): 1 MiB against 256 KiB
 * took the push from 7.1 to 5.7 s (skopeo 7.4 s in the same run), its CPU
 * from 4.2 to 3.2 s, peak RSS 72 -> 74 MiB. Large enough too that undici's
 * socket write never returns true before it drains (its high-water mark is
 * 16-64 KiB).
 */
const CHUNK = 1024 * 1024;
/**
 * Below this many bytes, reads stay at SMALL_CHUNK: several such blobs go up
 * at once (the product-like set's layers, six in flight), and three 1 MiB
 * buffers each took that push's peak RSS from 83 to 100 MiB for no time.
 */
const LARGE_RANGE = 64 * 1024 * 1024;
/** Reads of smaller blobs, and into fresh buffers (a docker-archive layer gzipped on the way: each is garbage once read). */
const SMALL_CHUNK = 256 * 1024;
const RING = 3;

/** The blob stored at `entry`: whatever reads it feeds `check`, and its end waits for the verdict. */
export function checkedBlob(
  source: PartSource,
  entry: TarEntry,
  described: Pick<BundleBlob, "digest" | "mediaType" | "uploadAsStored">,
  check: BlobCheck,
): BundleBlob {
  const range = (start = 0, length = entry.size - start) => ({ start, end: start + Math.min(length, entry.size - start) });
  const read = (reuse: boolean, start?: number, length?: number) => chunks(source, entry, check, range(start, length), reuse);
  return {
    ...described,
    size: entry.size,
    open: (start, length) => Readable.from(read(false, start, length), { objectMode: false }),
    chunks: (start, length) => read(true, start, length),
    checked: () => check.whole(),
  };
}

async function* chunks(
  source: PartSource,
  entry: TarEntry,
  check: BlobCheck,
  { start, end }: { start: number; end: number },
  reuse: boolean,
): AsyncGenerator<Buffer> {
  const size = reuse && end - start >= LARGE_RANGE ? CHUNK : SMALL_CHUNK;
  const ring = reuse ? Array.from({ length: RING }, () => Buffer.allocUnsafe(size)) : [];
  // Each buffer is read into again only once the check (and zlib) are done with it.
  const released: Array<Promise<void>> = Array.from({ length: RING }, () => Promise.resolve());
  const readAt = async (at: number, turn: number) => {
    await released[turn];
    const into = reuse ? (ring[turn] as Buffer) : Buffer.allocUnsafe(Math.min(size, end - at));
    return source.read(entry.offset + at, Math.min(size, end - at), into);
  };
  let next = start < end ? readAt(start, 0) : undefined;
  for (let at = start, turn = 0; next; turn = (turn + 1) % RING) {
    const chunk = await next;
    if (chunk.length === 0) {
      // The file shrank since the bundle was opened: the check says how, else a plain error.
      await check.whole();
      throw new Error(`${entry.path} ends at byte ${at} of ${entry.size}: the bundle changed while it was read`);
    }
    released[turn] = check.take(at, chunk);
    at += chunk.length;
    // The next read goes on while this chunk is hashed and sent: the third buffer is the socket's until then.
    next = at < end ? readAt(at, (turn + 1) % RING) : undefined;
    // A body that stops early (Ctrl-C) leaves that read unawaited: its failure is of no interest then.
    next?.catch(() => undefined);
    // The blob's last bytes go only once the whole blob is known to be right.
    if (at >= entry.size) await check.whole();
    yield chunk;
  }
}
