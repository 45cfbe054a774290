/**
 * The options of `push-images save`, validated like a push's: nothing is
 * written when one is wrong, and an existing file is kept unless --force.
 */
import { existsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { inputError } from "../errors.ts";
import { resolveOptions, type RawFlags } from "../options.ts";
import type { ContainerToolName, ProductDefaults } from "../product-defaults.ts";
import { refuseNonFiles } from "./output-file.ts";

export interface SaveOptions {
  readonly output: string;
  readonly containerTool: ContainerToolName;
  readonly images: readonly string[];
  readonly sourcePath: string;
  readonly sourceTag: string;
  readonly verbose: boolean;
  readonly quiet: boolean;
}

export interface RawSaveFlags extends Pick<RawFlags, "containerTool" | "image" | "sourcePath" | "sourceTag" | "verbose" | "quiet"> {
  output?: string;
  force: boolean;
}

export function resolveSaveOptions(flags: RawSaveFlags, defaults: ProductDefaults): SaveOptions {
  if (!flags.output) throw inputError("USAGE", "-o is required: the archive to write", "add -o <file>, for example -o apim-images.tar");
  const output = resolve(flags.output);
  if (!existsSync(dirname(output)) || !statSync(dirname(output)).isDirectory()) {
    throw inputError("USAGE", `-o ${flags.output}: the directory ${dirname(output)} does not exist`, `create it first (mkdir -p ${dirname(output)})`);
  }
  refuseNonFiles(flags.output, output);
  if (existsSync(output) && !flags.force) {
    throw inputError("OUTPUT_EXISTS", `-o ${flags.output} already exists`, "choose another file, or add --force to replace it");
  }
  // The image, path and tag rules are a push's; a placeholder registry borrows its checks.
  const checked = resolveOptions({ ...flags, registry: "localhost", noTlsVerify: false, dryRun: false, json: false }, defaults);
  return {
    output,
    containerTool: checked.containerTool,
    images: checked.images,
    sourcePath: checked.sourcePath,
    sourceTag: checked.sourceTag,
    verbose: checked.verbose,
    quiet: checked.quiet,
  };
}
