/**
 * Which files make up a bundle: `FILE` itself, or the split parts
 * `FILE.000`, `FILE.001`, ... that `save --split` wrote. Either name finds
 * the parts (`FILE` or `FILE.000`); a gap in the numbers, or a part whose
 * `.sha256` is there without it, is named before anything is read.
 */
import { readdirSync, statSync } from "node:fs";
import { basename, dirname } from "node:path";
import { failure, inputError } from "../core/errors.ts";

/** `FILE.000` for index 0: three digits, more only past 999 parts. */
function partName(file: string, index: number): string {
  return `${file}.${String(index).padStart(3, "0")}`;
}

/**
 * --from-archive FILE names a bundle that is there: FILE itself, or its
 * parts FILE.000... A mistyped path is invalid input (exit 2, nothing
 * touched), found with the other flags' checks, not once the run is under way.
 */
export function checkArchiveGiven(file: string): string {
  const base = file.replace(/\.\d{3,}$/, "");
  if (sizeOf(file) !== undefined || listNumbers(dirname(base), basename(base)).parts.size > 0) return file;
  throw inputError(
    "ARCHIVE_NOT_FOUND",
    `--from-archive ${file}: there is no such file${base === file ? ` (nor parts ${basename(file)}.000...)` : ""}`,
    `check the path and what is there: ls -l ${base}*`,
  );
}

/** The bundle's files in order with their sizes; throws ARCHIVE_INVALID naming what is missing. */
export function findParts(file: string): Array<{ file: string; size: number }> {
  const single = sizeOf(file);
  if (single !== undefined && !/\.\d{3,}$/.test(file)) return [{ file, size: single }];
  const base = /\.\d{3,}$/.test(file) ? file.replace(/\.\d{3,}$/, "") : file;
  const dir = dirname(base);
  const numbers = listNumbers(dir, basename(base));
  if (numbers.parts.size === 0) {
    if (single !== undefined) return [{ file, size: single }];
    throw failure("ARCHIVE_INVALID", `${file} does not exist`, `check the path given to --from-archive: ls -l ${base}*`);
  }
  const last = Math.max(...numbers.parts, ...numbers.sums);
  const parts: Array<{ file: string; size: number }> = [];
  for (let index = 0; index <= last; index++) {
    const name = partName(base, index);
    const size = numbers.parts.has(index) ? sizeOf(name) : undefined;
    if (size === undefined) {
      throw failure(
        "ARCHIVE_INVALID",
        `part ${basename(name)} of the split bundle ${basename(base)} is missing (found ${describe(numbers.parts, base)})`,
        `copy ${basename(name)} from the original beside the other parts, then ` +
          `check them all: cd ${dir} && sha256sum -c ${basename(base)}.*.sha256`,
      );
    }
    parts.push({ file: name, size });
  }
  return parts;
}

function listNumbers(dir: string, base: string): { parts: Set<number>; sums: Set<number> } {
  const parts = new Set<number>();
  const sums = new Set<number>();
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    // A directory that cannot be listed holds no parts we can read; findParts says the file is missing.
  }
  for (const name of names) {
    if (!name.startsWith(`${base}.`)) continue;
    const match = /^\.(\d{3,})(\.sha256)?$/.exec(name.slice(base.length));
    if (match) (match[2] ? sums : parts).add(Number(match[1]));
  }
  return { parts, sums };
}

function describe(parts: Set<number>, base: string): string {
  const names = [...parts].sort((a, b) => a - b).map((index) => basename(partName(base, index)));
  return names.length > 4 ? `${names.slice(0, 2).join(", ")} ... ${names.at(-1)}` : names.join(", ");
}

function sizeOf(file: string): number | undefined {
  try {
    const stat = statSync(file);
    return stat.isFile() ? stat.size : undefined;
  } catch {
    return undefined;
  }
}

/** For messages: `FILE` or the parts' common name `FILE.000...NNN`. */
export function bundleName(files: readonly string[]): string {
  if (files.length <= 1) return files[0] ?? "";
  return `${files[0]}...${(files.at(-1) ?? "").replace(/^.*\./, "")}`;
}

/**
 * The part whose size gives it away, when a split bundle is found damaged:
 * `save --split` and `split -b` make every part but the last the same
 * size, so a shorter one (or a last one longer than the rest) was cut short
 * in copying. Without .sha256 files, the tar only breaks in the part after it.
 */
export function unevenPart(parts: ReadonlyArray<{ file: string; size: number }>): { file: string; why: string } | undefined {
  if (parts.length < 2) return undefined;
  const full = Math.max(...parts.slice(0, -1).map((part) => part.size));
  const short = parts.slice(0, -1).find((part) => part.size < full);
  const first = parts[0] as { file: string; size: number };
  const last = parts.at(-1) as { file: string; size: number };
  // With two parts, a first part shorter than the last is the one cut.
  const cut = short ?? (last.size > full ? first : undefined);
  if (!cut) return undefined;
  const other = cut === short ? parts.find((part) => part.size === full) : last;
  return {
    file: cut.file,
    why:
      `${basename(cut.file)} is ${cut.size} bytes, shorter than ${basename(other?.file ?? "")} (${other?.size} bytes), ` +
      "though only the last part may be: it was likely cut short in copying",
  };
}
