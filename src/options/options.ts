/**
 * Turns parsed flags and product defaults into validated run options.
 * Every rule is checked here, before anything is touched, so invalid input
 * exits 2 with nothing tagged or pushed.
 */
import { checkArchiveGiven } from "../bundle/split-parts.ts";
import { readCaFiles, type CaFile } from "./ca-files.ts";
import { checkDigestFile } from "./digest-file.ts";
import { inputError } from "../core/errors.ts";
import { parsePlatform, type Platform } from "../core/platforms.ts";
import { CONTAINER_TOOLS, type ContainerToolName, type ProductDefaults } from "./product-defaults.ts";
import { assertTag, MAX_NAME_LENGTH, PATH_RULE, sourcePathProblem } from "./reference-rules.ts";
import { DEFAULT_CONCURRENCY, DEFAULT_RETRIES, DEFAULT_STALL_TIMEOUT_SECONDS } from "./push-defaults.ts";
import { parseRegistryType, type RegistryType } from "./registry-type.ts";
import { parseRegistryUri, type RegistryUri } from "./registry-uri.ts";

/** The flags as parsed, before defaults and validation. */
export interface RawFlags {
  registry?: string;
  containerTool?: string;
  destTag?: string;
  image: string[];
  sourcePath?: string;
  sourceTag?: string;
  noTlsVerify: boolean;
  dryRun: boolean;
  verbose: boolean;
  quiet: boolean;
  json: boolean;
  registryType?: string;
  flatten?: boolean;
  createProject?: boolean;
  createRepositories?: boolean;
  plugin?: string[];
  concurrency?: string;
  retries?: string;
  stallTimeout?: string;
  fromArchive?: string[];
  caFile?: string[];
  digestFile?: string;
  force?: boolean;
  /** --platform values, as given. */
  platform?: string[];
}

/** Everything a run needs, validated. Plugins read it as `runner.options`. */
export interface Options {
  readonly product: string;
  readonly registry: RegistryUri;
  readonly containerTool: ContainerToolName;
  /** Tag at the destination; undefined keeps the source tag. */
  readonly destTag?: string;
  readonly images: readonly string[];
  /** -i chose the images; otherwise `images` are the product's (and --from-archive pushes what the archive holds). */
  readonly imagesChosen: boolean;
  readonly sourcePath: string;
  readonly sourceTag: string;
  readonly tlsVerify: boolean;
  readonly dryRun: boolean;
  readonly verbose: boolean;
  readonly quiet: boolean;
  readonly json: boolean;
  /** --registry-type; undefined means detect it. */
  readonly registryType?: RegistryType;
  readonly flatten: boolean;
  readonly createProject: boolean;
  readonly createRepositories: boolean;
  /** Images pushed at once. */
  readonly concurrency: number;
  /** Retries of a push after a transient failure. */
  readonly retries: number;
  /** A push that reads, writes and prints nothing for this long is stopped as REGISTRY_STALLED. */
  readonly stallTimeoutMs: number;
  /** --from-archive files: push from these instead of local storage. */
  readonly fromArchive: readonly string[];
  /** --plugin files, in the order given. */
  readonly plugins: readonly string[];
  /** --ca-file certificates, read and checked: trusted for the registry besides certs.d. */
  readonly caFiles: readonly CaFile[];
  /** --digest-file: where the pinned references of the images at the target go when the run ends. */
  readonly digestFile?: string;
  /** --force: send every image, even one the target already holds. */
  readonly force: boolean;
  /** --platform: the platforms of multi-platform images to push; empty for all. */
  readonly platforms: readonly Platform[];
}

export function resolveOptions(flags: RawFlags, defaults: ProductDefaults): Options {
  if (flags.registry === undefined || flags.registry === "") {
    throw inputError(
      "MISSING_REGISTRY",
      "-r is required: the registry to push to",
      "add -r host[:port][/path], for example -r registry.example.com/apim",
    );
  }
  const registry = parseRegistryUri(flags.registry);
  const containerTool = checkContainerTool(flags.containerTool ?? defaults.containerTool);
  if (flags.destTag !== undefined) assertTag("-d", flags.destTag);
  const sourceTag = flags.sourceTag ?? defaults.sourceTag;
  assertTag("-s", sourceTag);
  const sourcePath = flags.sourcePath ?? defaults.sourcePath;
  checkSourcePath(sourcePath);
  const images = checkImages(flags.image, defaults.images);
  const longest = images.reduce((a, b) => (b.length > a.length ? b : a), "");
  if (`${sourcePath}/${longest}`.length > MAX_NAME_LENGTH) {
    throw inputError(
      "INVALID_SOURCE_PATH",
      `-p ${JSON.stringify(sourcePath)} makes the source name ${sourcePath}/${longest} longer than ${MAX_NAME_LENGTH} characters`,
      "use a shorter -p",
    );
  }
  const caFiles = checkCaFiles(flags.caFile ?? [], flags.noTlsVerify, registry.host);

  return Object.freeze({
    product: defaults.product,
    registry,
    containerTool,
    destTag: flags.destTag,
    images,
    imagesChosen: flags.image.length > 0,
    sourcePath,
    sourceTag,
    tlsVerify: !flags.noTlsVerify,
    dryRun: flags.dryRun,
    verbose: flags.verbose,
    quiet: flags.quiet,
    json: flags.json,
    registryType: flags.registryType === undefined ? undefined : parseRegistryType(flags.registryType),
    flatten: flags.flatten === true,
    createProject: flags.createProject === true,
    createRepositories: flags.createRepositories === true,
    plugins: checkPluginFiles(flags.plugin ?? []),
    fromArchive: (flags.fromArchive ?? []).map(checkArchiveGiven),
    caFiles,
    digestFile: flags.digestFile === undefined ? undefined : checkDigestFile(flags.digestFile),
    force: flags.force === true,
    platforms: (flags.platform ?? []).map((value) => parsePlatform(value, "push-images")),
    concurrency: wholeNumber("-j", flags.concurrency, DEFAULT_CONCURRENCY, 1, 16),
    retries: wholeNumber("--retries", flags.retries, DEFAULT_RETRIES, 0, 10),
    stallTimeoutMs: wholeNumber("--stall-timeout", flags.stallTimeout, DEFAULT_STALL_TIMEOUT_SECONDS, 1, 3600) * 1000,
  });
}

function wholeNumber(flag: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw inputError(
      "USAGE",
      `${flag} ${JSON.stringify(value)} is not a whole number from ${min} to ${max}`,
      `use for example ${flag} ${fallback}`,
    );
  }
  return Number(value);
}

/** An empty --plugin would resolve to the current directory and fail as a plugin that does not load. */
function checkPluginFiles(files: readonly string[]): readonly string[] {
  if (files.includes(""))
    throw inputError(
      "BAD_PLUGIN",
      "--plugin needs a file name, but it is empty",
      "name a .js, .mjs or .cjs file: --plugin ./my-plugin.mjs",
    );
  return files;
}

/**
 * -t verifies no certificate, so a CA given with it would be read and never
 * used: the operator asked for verification and for none at once. Refused
 * rather than guessed, because either guess surprises someone: quietly
 * skipping verification defeats the CA; quietly verifying defeats -t.
 */
function checkCaFiles(files: readonly string[], noTlsVerify: boolean, host: string): readonly CaFile[] {
  if (noTlsVerify && files.length > 0) {
    throw inputError(
      "USAGE",
      `-t and --ca-file contradict each other: -t turns TLS verification off, so the CA in ${files.join(", ")} would never be used`,
      `drop -t to verify ${host} with the CA file, or drop --ca-file to push without verification`,
    );
  }
  return readCaFiles(files, host);
}

function checkContainerTool(value: string): ContainerToolName {
  if (CONTAINER_TOOLS.includes(value as ContainerToolName)) return value as ContainerToolName;
  throw inputError(
    "INVALID_CONTAINER_TOOL",
    `-c ${JSON.stringify(value)} is not a supported container tool`,
    "use -c podman or -c docker",
  );
}

function checkSourcePath(path: string): void {
  const problem = sourcePathProblem(path);
  if (problem) {
    throw inputError(
      "INVALID_SOURCE_PATH",
      `-p ${JSON.stringify(path)} is not a repository path: ${problem}`,
      `use a path such as -p apim; ${PATH_RULE}`,
    );
  }
}

function checkImages(requested: readonly string[], known: readonly string[]): readonly string[] {
  if (requested.length === 0) return known;
  const unknown = requested.filter((image) => !known.includes(image));
  if (unknown.length > 0) {
    const names = unknown.map((i) => JSON.stringify(i)).join(", ");
    throw inputError(
      "UNKNOWN_IMAGE",
      `-i ${names} ${unknown.length === 1 ? "is not one of" : "are not among"} the product's images`,
      `use -i with one of: ${known.join(", ")}`,
    );
  }
  // Asking twice for one image pushes it once.
  return [...new Set(requested)];
}
