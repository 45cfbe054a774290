/**
 * The product's defaults: built in for TIBCO API Management Local Edition,
 * replaceable by a JSON file so one binary serves another product or
 * release. Flags beat the file; the file beats the built-ins.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import builtIn from "./built-in-defaults.json" with { type: "json" };
import { inputError } from "../core/errors.ts";
import { pathComponentProblem, sourcePathProblem, tagProblem } from "./reference-rules.ts";

export type ContainerToolName = "podman" | "docker";
export const CONTAINER_TOOLS: readonly ContainerToolName[] = ["podman", "docker"];

export interface ProductDefaults {
  readonly product: string;
  readonly images: readonly string[];
  readonly sourcePath: string;
  readonly sourceTag: string;
  readonly containerTool: ContainerToolName;
}

/**
 * The built-ins live in a JSON file of the same form as an operator's
 * defaults file, so the demo (plain node, no TypeScript) reads the same
 * list; a unit test checks that file passes the checks below.
 */
export const BUILT_IN_DEFAULTS: ProductDefaults = Object.freeze({
  ...builtIn,
  images: Object.freeze(builtIn.images),
  containerTool: builtIn.containerTool as ContainerToolName,
});

export const DEFAULTS_FILE_NAME = "product-defaults.json";

/** Where the defaults came from, for --verbose and error messages. */
export interface LoadedDefaults {
  readonly defaults: ProductDefaults;
  readonly file?: string;
}

/**
 * `PRODUCT_DEFAULTS` names a file that must exist; otherwise a
 * `product-defaults.json` beside the program is used when present.
 */
export function loadProductDefaults(env: NodeJS.ProcessEnv, programDir: string): LoadedDefaults {
  const named = env.PRODUCT_DEFAULTS;
  if (named !== undefined && named !== "") return { defaults: readDefaultsFile(named, "PRODUCT_DEFAULTS"), file: named };
  const beside = join(programDir, DEFAULTS_FILE_NAME);
  if (existsSync(beside)) return { defaults: readDefaultsFile(beside, "the file beside the program"), file: beside };
  return { defaults: BUILT_IN_DEFAULTS };
}

function readDefaultsFile(file: string, origin: string): ProductDefaults {
  const bad = (why: string, fix?: string) =>
    inputError(
      "BAD_DEFAULTS_FILE",
      `product defaults file ${file} (${origin}) ${why}`,
      fix ??
        `fix the file, or unset PRODUCT_DEFAULTS; its form is {"product": "...", "images": ` +
          `["..."], "sourcePath": "apim", "sourceTag": "v6.0.0", "containerTool": "docker"}`,
    );
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw bad(`cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw bad(`is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) throw bad("must hold a JSON object");
  const record = data as Record<string, unknown>;
  const known = new Set(Object.keys(BUILT_IN_DEFAULTS));
  const unknown = Object.keys(record).filter((key) => !known.has(key));
  if (unknown.length > 0) throw bad(`has unknown keys: ${unknown.join(", ")}`);

  const text_ = (key: keyof ProductDefaults): string | undefined => {
    const value = record[key];
    if (value === undefined) return undefined;
    if (typeof value !== "string" || value === "") throw bad(`"${key}" must be a non-empty string`);
    return value;
  };
  const images = record.images;
  if (
    images !== undefined &&
    (!Array.isArray(images) || images.length === 0 || !images.every((i) => typeof i === "string" && i !== ""))
  ) {
    throw bad(`"images" must be a non-empty list of image names`);
  }
  for (const [index, image] of ((images as string[] | undefined) ?? []).entries()) {
    const problem = pathComponentProblem(image);
    if (problem) throw bad(`lists an image name that no registry accepts: ${problem}`);
    // Refused, not merged: two jobs for one image would push it twice at once.
    if ((images as string[]).indexOf(image) < index)
      throw bad(
        `lists "${image}" twice in "images"; each image is pushed once`,
        `remove the second "${image}" from "images" in ${file}`,
      );
  }
  const sourceTag = text_("sourceTag");
  const badTag = sourceTag === undefined ? undefined : tagProblem(sourceTag);
  if (badTag) throw bad(`has "sourceTag" ${JSON.stringify(sourceTag)}, which is not a valid tag: ${badTag}`);
  const sourcePath = text_("sourcePath");
  const badPath = sourcePath === undefined ? undefined : sourcePathProblem(sourcePath);
  if (badPath) throw bad(`has "sourcePath" ${JSON.stringify(sourcePath)}, which is not a repository path: ${badPath}`);
  const tool = text_("containerTool");
  if (tool !== undefined && !CONTAINER_TOOLS.includes(tool as ContainerToolName)) {
    throw bad(`"containerTool" must be podman or docker, not ${JSON.stringify(tool)}`);
  }
  return Object.freeze({
    product: text_("product") ?? BUILT_IN_DEFAULTS.product,
    images: Object.freeze((images as string[] | undefined) ?? BUILT_IN_DEFAULTS.images),
    sourcePath: sourcePath ?? BUILT_IN_DEFAULTS.sourcePath,
    sourceTag: sourceTag ?? BUILT_IN_DEFAULTS.sourceTag,
    containerTool: (tool as ContainerToolName | undefined) ?? BUILT_IN_DEFAULTS.containerTool,
  });
}
