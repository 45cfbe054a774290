/**
 * `--split SIZE`: bytes, or a number with K, M, G or T (powers of 1024, as
 * coreutils' `split -b` counts). FAT32 takes files up to 4 GiB minus one
 * byte, so `4G` is one byte too many there: 4095M fits.
 */
import { inputError } from "../core/errors.ts";

const UNITS: Record<string, number> = { "": 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };
/** Smaller parts serve no medium and would only multiply files. */
const MIN_SPLIT_BYTES = 1024 * 1024;

/** The part size in bytes; exit 2 naming the value and the rule when it is not one. */
export function parseSplitSize(value: string, output: string): number {
  const match = /^(\d+)([KMGT]?)(i?B)?$/i.exec(value.trim());
  const bytes = match ? Number(match[1]) * (UNITS[(match[2] ?? "").toUpperCase()] ?? 1) : Number.NaN;
  const example = `push-images save -o ${output} --split 4095M`;
  if (!Number.isSafeInteger(bytes)) {
    throw inputError(
      "INVALID_SIZE",
      `--split ${value}: not a size; give bytes or a number with K, M, G or T (1024-based), e.g. 700M or 4095M`,
      example,
    );
  }
  if (bytes < MIN_SPLIT_BYTES)
    throw inputError("INVALID_SIZE", `--split ${value}: parts must be at least 1M (${MIN_SPLIT_BYTES} bytes)`, example);
  return bytes;
}
