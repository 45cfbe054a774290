/**
 * With --force, a new bundle replaces an old one of the same name in
 * either form: a single `FILE` and split parts `FILE.000...` must not sit
 * side by side, or a reader could take an old part for part of the new
 * bundle. Only names of that pattern (and their `.sha256`) are touched.
 */
import { readdirSync } from "node:fs";
import { rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** Names of an existing bundle `file` in either form, with their checksum files. */
export function existingOutputs(file: string): string[] {
  const base = basename(file);
  return readdirSync(dirname(file))
    .filter(
      (name) =>
        name === base ||
        name === `${base}.sha256` ||
        (name.startsWith(`${base}.`) && /^\.\d{3,}(\.sha256)?$/.test(name.slice(base.length))),
    )
    .map((name) => join(dirname(file), name));
}

/** Removes what the new bundle (`parts` files, split or not) does not overwrite. */
export async function removeStaleOutputs(file: string, parts: number, split: boolean): Promise<void> {
  const keep = new Set<string>();
  for (let index = 0; index < parts; index++) {
    const name = split ? `${file}.${String(index).padStart(3, "0")}` : file;
    keep.add(name).add(`${name}.sha256`);
  }
  await Promise.all(
    existingOutputs(file)
      .filter((name) => !keep.has(name))
      .map((name) => rm(name, { force: true })),
  );
}
