/**
 * `<archive>.sha256` beside an archive `save` wrote, in sha256sum's own
 * format, so a copy can be checked with standard tools at every hop into
 * the site: `sha256sum -c apim-images.tar.sha256`. The sum comes from the
 * archive check's own read (archive-contents.ts), not a second pass.
 */
import { writeFile } from "node:fs/promises";
import { basename } from "node:path";

/** Writes `<file>.sha256` naming the file by its base name (checked from its own directory); returns its path. */
export async function writeChecksumFile(file: string, sha256: string): Promise<string> {
  const checksumFile = `${file}.sha256`;
  await writeFile(checksumFile, `${sha256}  ${basename(file)}\n`);
  return checksumFile;
}
