/**
 * The command line, declared once with cleye: every flag has a
 * description, so `--help` is the documentation. Defaults shown come from
 * the product defaults in force (built in, or PRODUCT_DEFAULTS).
 */
import { cli, command } from "cleye";
import type { RawSaveFlags } from "./archive/save-options.ts";
import type { RawFlags } from "./options.ts";
import type { ProductDefaults } from "./product-defaults.ts";
import { renderHelp } from "./help-layout.ts";
import { DEFAULT_CONCURRENCY, DEFAULT_RETRIES } from "./push-defaults.ts";

export type ParsedCommandLine =
  | { readonly command: "push"; readonly flags: RawFlags; readonly version: boolean; readonly unknownFlags: string[]; readonly extraArguments: string[] }
  | { readonly command: "save"; readonly flags: RawSaveFlags; readonly version: false; readonly unknownFlags: string[]; readonly extraArguments: string[] };

/** The flags that choose images, shared by a push and by `save`. */
function imageFlags(defaults: ProductDefaults, verb: string) {
  return {
    containerTool: { type: String, alias: "c", placeholder: "<name>", description: `Container tool holding the images: podman or docker (default: ${defaults.containerTool})` },
    image: { type: [String], alias: "i", placeholder: "<name>", description: `Image to ${verb}; repeat for several (default: all): ${defaults.images.join(", ")}` },
    sourcePath: { type: String, alias: "p", placeholder: "<path>", description: `Local repository path of the images (default: ${defaults.sourcePath})` },
    sourceTag: { type: String, alias: "s", placeholder: "<tag>", description: `Local tag of the images; it must exist (default: ${defaults.sourceTag})` },
    verbose: { type: Boolean, alias: "v", description: "Show each container-tool command and its raw output (secrets masked)" },
    quiet: { type: Boolean, alias: "q", description: "Show only errors and the summary" },
  } as const;
}

function saveCommand(defaults: ProductDefaults) {
  return command({
    name: "save",
    flags: {
      output: { type: String, alias: "o", placeholder: "<file>", description: "Required. The archive to write (a docker-archive that podman and docker both load)" },
      force: { type: Boolean, description: "Replace the file if it exists" },
      ...imageFlags(defaults, "save"),
    },
    help: {
      description: "Write the product's images to one archive, to carry them into an air-gapped site and push them there with --from-archive.",
      usage: "push-images save -o <file> [--force] [-c podman|docker] [-i <image>]... [-p <path>] [-s <tag>]",
      examples: ["push-images save -o apim-images.tar -c podman", "push-images --from-archive apim-images.tar -r registry.example.com/apim"],
      render: renderHelp,
    },
  });
}

export function parseCommandLine(argv: string[], defaults: ProductDefaults): ParsedCommandLine {
  const parsed = cli(
    {
      name: "push-images",
      commands: [saveCommand(defaults)],
      flags: {
        registry: { type: String, alias: "r", placeholder: "<uri>", description: "Required. Registry and optional repository path: host[:port][/path...]; no scheme, no trailing '/', no '//'" },
        destTag: { type: String, alias: "d", placeholder: "<tag>", description: "Tag at the destination (default: the source tag)" },
        ...imageFlags(defaults, "push"),
        noTlsVerify: { type: Boolean, alias: "t", description: "Do not verify TLS (podman: --tls-verify=false; docker: the registry must be in the daemon's insecure-registries)" },
        dryRun: { type: Boolean, alias: "n", description: "Print the plan and the commands, run the checks, change nothing" },
        concurrency: { type: String, alias: "j", placeholder: "<n>", description: `Images pushed at once, 1-16 (default: ${DEFAULT_CONCURRENCY})` },
        retries: { type: String, placeholder: "<n>", description: `Retries of a push after a transient error (refused or reset connection, timeout, 5xx, 429), with backoff, 0-10 (default: ${DEFAULT_RETRIES})` },
        json: { type: Boolean, description: "Print a machine-readable report on stdout (human output stays on stderr)" },
        fromArchive: { type: [String], placeholder: "<file>", description: "Load the images from an archive made by 'push-images save' (or docker/podman save) after checking it, then push; repeatable" },
        plugin: { type: [String], placeholder: "<file>", description: "Load a site plugin (.js, .mjs, .cjs); repeatable. plugins/ beside the program is loaded too" },
        registryType: { type: String, placeholder: "<type>", description: "generic, harbor, gcr, artifact-registry, ecr, dockerhub or quay (default: detected from the host, or a Harbor probe)" },
        flatten: { type: Boolean, description: "Docker Hub, quay.io: join the path below the namespace onto the image name with '-'" },
        createProject: { type: Boolean, description: "Harbor: create the project of -r if it is missing" },
        createRepositories: { type: Boolean, description: "ECR: create the missing repositories (needs the aws CLI)" },
        version: { type: Boolean, description: "Print the version (with -v: the embedded runtime and platform too)" },
      },
      help: {
        description: `Push ${defaults.product} images from local podman or docker storage (or an archive) to a registry.\nSource: <source-path>/<image>:<source-tag>   Target: <registry>/<image>:<dest-tag>\nLog in to the registry first (podman login / docker login). Exit codes: 0 all pushed, 1 something failed, 2 invalid input (nothing touched), 130 interrupted.\nPRODUCT_DEFAULTS=<file.json>, or product-defaults.json beside the program, replaces the defaults.`,
        usage: ["push-images -r <registry>[/<repository path>] [options]", "push-images save -o <file> [options]   (push-images save --help)"],
        examples: [
          "# Push all images with defaults, TLS verification off",
          "push-images -r mylocalregistry.mycompany.com/apim-trial -t",
          "# Push specific images",
          "push-images -r mylocalregistry.mycompany.com/apim-trial -i apim-le-toolkit -i apim-le-cacheloader",
          "# Push specific images with a destination tag",
          "push-images -r mylocalregistry.mycompany.com/apim-trial -i apim-le-toolkit -i apim-le-cacheloader -d apim-trials",
          "# Use podman, and see the plan without pushing",
          "push-images -r registry.example.com/apim -c podman --dry-run",
          "# Air gap: save on a connected host, push inside the site",
          "push-images save -o apim-images.tar",
          "push-images --from-archive apim-images.tar -r registry.example.com/apim",
        ],
        render: renderHelp,
      },
    },
    undefined,
    // type-flag takes what it parses out of the array it is given; the
    // caller's argv must stay whole (cli.ts reads -v from it for errors).
    [...argv],
  );
  const unknownFlags = Object.keys(parsed.unknownFlags);
  const extraArguments = parsed._;
  if (parsed.command === "save") {
    const { flags } = parsed;
    return {
      command: "save",
      version: false,
      unknownFlags,
      extraArguments,
      flags: {
        output: flags.output,
        force: flags.force === true,
        containerTool: flags.containerTool,
        image: flags.image,
        sourcePath: flags.sourcePath,
        sourceTag: flags.sourceTag,
        verbose: flags.verbose === true,
        quiet: flags.quiet === true,
      },
    };
  }
  const { flags } = parsed;
  return {
    command: "push",
    version: flags.version === true,
    unknownFlags,
    extraArguments,
    flags: {
      registry: flags.registry,
      containerTool: flags.containerTool,
      destTag: flags.destTag,
      image: flags.image,
      sourcePath: flags.sourcePath,
      sourceTag: flags.sourceTag,
      noTlsVerify: flags.noTlsVerify === true,
      dryRun: flags.dryRun === true,
      verbose: flags.verbose === true,
      quiet: flags.quiet === true,
      json: flags.json === true,
      registryType: flags.registryType,
      flatten: flags.flatten === true,
      createProject: flags.createProject === true,
      createRepositories: flags.createRepositories === true,
      plugin: flags.plugin,
      fromArchive: flags.fromArchive,
      concurrency: flags.concurrency,
      retries: flags.retries,
    },
  };
}
