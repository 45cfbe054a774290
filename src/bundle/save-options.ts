/**
 * The options of `push-images save`, validated like a push's: nothing is
 * written when one is wrong, and an existing file is kept unless --force.
 */
import { existsSync, statSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { existingOutputs } from "./stale-outputs.ts";
import { parseSplitSize } from "./split-size.ts";
import { inputError } from "../core/errors.ts";
import { parsePlatform, type Platform } from "../core/platforms.ts";
import { resolveOptions, type RawFlags } from "../options/options.ts";
import type { ContainerToolName, ProductDefaults } from "../options/product-defaults.ts";
import { refuseNonFiles, refuseUnwritable } from "./output-file.ts";

export interface SaveOptions {
  readonly output: string;
  /** --split: the most bytes a part holds; undefined for one file. */
  readonly split?: number;
  readonly containerTool: ContainerToolName;
  readonly images: readonly string[];
  readonly sourcePath: string;
  readonly sourceTag: string;
  /** --platform: the platforms of multi-platform images to save; empty for all. */
  readonly platforms: readonly Platform[];
  readonly verbose: boolean;
  readonly quiet: boolean;
}

export interface RawSaveFlags extends Pick<
  RawFlags,
  "containerTool" | "image" | "sourcePath" | "sourceTag" | "platform" | "verbose" | "quiet"
> {
  output?: string;
  split?: string;
  force: boolean;
}

export function resolveSaveOptions(flags: RawSaveFlags, defaults: ProductDefaults): SaveOptions {
  if (!flags.output)
    throw inputError("USAGE", "-o is required: the archive to write", "add -o <file>, for example -o apim-images.tar");
  const output = resolve(flags.output);
  if (!existsSync(dirname(output)) || !statSync(dirname(output)).isDirectory()) {
    throw inputError(
      "USAGE",
      `-o ${flags.output}: the directory ${dirname(output)} does not exist`,
      `create it first (mkdir -p ${dirname(output)})`,
    );
  }
  refuseNonFiles(flags.output, output);
  refuseUnwritable(flags.output, output);
  const split = flags.split === undefined ? undefined : parseSplitSize(flags.split, flags.output);
  // Either form of an earlier bundle of that name (FILE, or its parts FILE.000...) counts.
  const existing = existingOutputs(output).filter((file) => !file.endsWith(".sha256"));
  if (existing.length > 0 && !flags.force) {
    const names = existing.map((file) => basename(file)).join(", ");
    throw inputError(
      "OUTPUT_EXISTS",
      `-o ${flags.output}: ${names} already exist${existing.length === 1 ? "s" : ""}`,
      "choose another file, or add --force to replace it",
    );
  }
  const platforms = (flags.platform ?? []).map((value) => parsePlatform(value, "push-images save"));
  // The image, path and tag rules are a push's; a placeholder registry borrows its checks.
  const checked = resolveOptions(
    { ...flags, platform: [], registry: "localhost", noTlsVerify: false, dryRun: false, json: false },
    defaults,
  );
  return {
    output,
    split,
    containerTool: checked.containerTool,
    images: checked.images,
    sourcePath: checked.sourcePath,
    sourceTag: checked.sourceTag,
    platforms,
    verbose: checked.verbose,
    quiet: checked.quiet,
  };
}
