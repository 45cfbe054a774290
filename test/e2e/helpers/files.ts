/** Small files a test writes for the CLI to read (PRODUCT_DEFAULTS and the like). */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { testDir } from "./local-tools.ts";

/** Writes `content` (an object is written as JSON) to a new file and returns its path. */
export function writeTestFile(name: string, content: string | object, dir = testDir()): string {
  const file = join(dir, name);
  writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content, null, 2));
  return file;
}
