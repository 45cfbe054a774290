/**
 * One block of a parallel gzip stream (src/bundle/block-gzip.ts): raw
 * deflate ended with a sync flush, so blocks concatenate into one deflate
 * stream, primed with the 32 KiB before it as pigz and pgzip do, so the
 * size barely differs from one serial stream. A block whose content will
 * not shrink (archives, jars, random bytes) is stored: the byte counts of
 * three small slices say so for a fraction of a full pass, and a full pass
 * that did not shrink is thrown away for the stored form too.
 * Every decision depends on the block's bytes only: the same input gives
 * the same output on any machine.
 */
import { promisify } from "node:util";
import { constants, deflateRaw, type ZlibOptions } from "node:zlib";

const deflate = promisify<Buffer, ZlibOptions, Buffer>(deflateRaw);

/** The window deflate may look back into: the previous block's tail primes the next. */
export const DICTIONARY_BYTES = 32 * 1024;

/** A deflate stored block holds at most this many bytes; each costs 5 bytes of framing. */
const STORED_MAX = 65_535;
const PROBE_SLICE = 4 * 1024;
/** Bits per byte above which a block is stored: 1% short of random. */
const STORE_ABOVE_BITS = 7.92;

/** The final, empty deflate block (fixed Huffman, just end-of-block), as pigz ends its streams. */
export const FINAL_BLOCK = Buffer.from([0x03, 0x00]);

/** The bytes a block takes stored: its own, plus 5 per stored block of at most 64 KiB. */
export function storedSize(length: number): number {
  return length + 5 * Math.max(1, Math.ceil(length / STORED_MAX));
}

/** Deflates `block` (non-final, byte-aligned), or stores it when that is smaller or the probe says it will be. */
export async function deflateBlock(
  block: Buffer,
  dictionary: Buffer | undefined,
  level: number,
  storeInto: () => Buffer,
): Promise<Buffer> {
  if (incompressible(block)) return store(block, storeInto());
  const options: ZlibOptions = {
    level,
    finishFlush: constants.Z_SYNC_FLUSH,
    chunkSize: Math.max(1024, storedSize(block.length)),
  };
  const packed = await deflate(block, dictionary ? { ...options, dictionary } : options);
  return packed.length < storedSize(block.length) ? packed : store(block, storeInto());
}

/**
 * Whether three slices of the block (start, middle, end) are so close to
 * random, byte by byte, that Huffman coding could save under 1%: their
 * order-0 entropy. A level-1 deflate of the same slices costs 20 times more
 * (zlib sets up 256 KiB of state per call) and says the same for such data.
 */
function incompressible(block: Buffer): boolean {
  if (block.length < 4 * PROBE_SLICE) return false;
  const counts = new Uint32Array(256);
  for (const start of [0, (block.length - PROBE_SLICE) >> 1, block.length - PROBE_SLICE])
    for (let at = start; at < start + PROBE_SLICE; at++) {
      const byte = block[at] as number;
      counts[byte] = (counts[byte] as number) + 1;
    }
  let bits = 0;
  for (const count of counts) if (count > 0) bits -= count * Math.log2(count / (3 * PROBE_SLICE));
  return bits / (3 * PROBE_SLICE) > STORE_ABOVE_BITS;
}

/** `block` as deflate stored blocks (non-final), written into `into` (at least storedSize long); returns the used part. */
function store(block: Buffer, into: Buffer): Buffer {
  let at = 0;
  let from = 0;
  do {
    const length = Math.min(STORED_MAX, block.length - from);
    into[at] = 0x00; // BFINAL 0, BTYPE 00 (stored), padded to the byte
    into.writeUInt16LE(length, at + 1);
    into.writeUInt16LE(~length & 0xffff, at + 3);
    block.copy(into, at + 5, from, from + length);
    at += 5 + length;
    from += length;
  } while (from < block.length);
  return into.subarray(0, at);
}
