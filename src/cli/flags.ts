/**
 * The command line, declared once: every flag has a description, so `--help` is the
 * documentation. cleye parses; help-page.ts prints it, flags in the order declared (PRODUCT.md's),
 * defaults from the product defaults in force (built in, or PRODUCT_DEFAULTS).
 */
import { cli, command } from "cleye";
import { joinDashedValues, listed, singleValues } from "./flag-occurrences.ts";
import type { RawFlags } from "../options/options.ts";
import type { ProductDefaults } from "../options/product-defaults.ts";
import { DEFAULT_CONCURRENCY, DEFAULT_RETRIES, DEFAULT_STALL_TIMEOUT_SECONDS } from "../options/push-defaults.ts";
import { DEFAULT_RETRY_POLICY } from "../core/retry.ts";
import { DEPLOYMENT_FLAGS, verifyFlags, verifyValues } from "./verify-flags.ts";
import type { ParsedCommandLine } from "./parsed-command-line.ts";

const HELP_FLAG = { type: Boolean, alias: "h", description: "Show this help" } as const;

/** The flags that choose images and shape the output, shared by a push and by `save`. */
function sharedFlags(defaults: ProductDefaults, verb: string) {
  return {
    containerTool: {
      type: String,
      alias: "c",
      placeholder: "<name>",
      description: `Container tool holding the images: podman or docker (default: ${defaults.containerTool})`,
    },
    image: {
      type: [String],
      alias: "i",
      placeholder: "<name>",
      description: `Image to ${verb}; repeat for several (default: all): ${defaults.images.join(", ")}`,
    },
    sourcePath: {
      type: String,
      alias: "p",
      placeholder: "<path>",
      description: `Local repository path of the images (default: ${defaults.sourcePath})`,
    },
    sourceTag: {
      type: String,
      alias: "s",
      placeholder: "<tag>",
      description: `Local tag of the images; it must exist (default: ${defaults.sourceTag})`,
    },
    platform: {
      type: [String],
      placeholder: "<os/arch>",
      description: `Of a multi-platform image, ${verb} only this platform (os/arch[/variant]); repeatable (default: all)`,
    },
    verbose: { type: Boolean, alias: "v", description: "Show each container-tool command and its raw output (secrets masked)" },
    quiet: { type: Boolean, alias: "q", description: "Show only errors and the summary" },
  } as const;
}

/** A push's flags: the seed's first, in its order, then ours. */
export function pushFlags(defaults: ProductDefaults) {
  const { containerTool, image, sourcePath, sourceTag, platform, verbose, quiet } = sharedFlags(defaults, "push");
  return {
    registry: {
      type: String,
      alias: "r",
      placeholder: "<uri>",
      description: "Required. Registry and optional repository path: host[:port][/path...]; no scheme, no trailing '/', no '//'",
    },
    containerTool,
    destTag: { type: String, alias: "d", placeholder: "<tag>", description: "Tag at the destination (default: the source tag)" },
    image,
    sourcePath,
    sourceTag,
    noTlsVerify: {
      type: Boolean,
      alias: "t",
      description:
        "Do not verify TLS (podman: --tls-verify=false; docker: the registry must be in the daemon's insecure-registries)",
    },
    help: HELP_FLAG,
    version: { type: Boolean, description: "Print the version (with -v: the embedded runtime and platform too)" },
    dryRun: {
      type: Boolean,
      alias: "n",
      description: "Print the plan (in push order, by shared layers) and the commands, run the checks, change nothing",
    },
    concurrency: {
      type: String,
      alias: "j",
      placeholder: "<n>",
      description: `Images pushed at once, 1-16 (default: ${DEFAULT_CONCURRENCY})`,
    },
    retries: {
      type: String,
      placeholder: "<n>",
      description:
        `Retries of a push after a transient error (refused or broken connection, ` +
        `timeout, 5xx, 429), with backoff (a 429's Retry-After, at most ` +
        `${DEFAULT_RETRY_POLICY.maxMs / 1000}s), 0-10 (default: ${DEFAULT_RETRIES})`,
    },
    stallTimeout: {
      type: String,
      placeholder: "<s>",
      description:
        `Stop a push that makes no progress (no byte sent or received) for this many seconds while it has ` +
        `bytes to send, as REGISTRY_STALLED, and retry it; once a blob is all sent, wait this long + 1 s per MiB ` +
        `of it (at most 30 min more; docker: of the image) for the registry's answer (default: ${DEFAULT_STALL_TIMEOUT_SECONDS})`,
    },
    json: { type: Boolean, description: "Print a machine-readable report on stdout (human output stays on stderr)" },
    plugin: {
      type: [String],
      placeholder: "<file>",
      description: "Load a site plugin (.js, .mjs, .cjs); repeatable. plugins/ beside the program is loaded too",
    },
    registryType: {
      type: String,
      placeholder: "<type>",
      description:
        "generic, harbor, gcr, artifact-registry, ecr, dockerhub or quay (default: detected from the host, or a Harbor probe)",
    },
    fromArchive: {
      type: [String],
      placeholder: "<file>",
      description:
        "Push the images a bundle holds (made by 'push-images save', or docker/podman save) after checking it, " +
        "straight to the registry: no podman or docker needed, nothing loaded (without -i, all it holds); repeatable",
    },
    flatten: {
      type: Boolean,
      description: "Docker Hub, quay.io: join the path below the namespace onto the image name with '-'",
    },
    createProject: { type: Boolean, description: "Harbor: create the project of -r if it is missing" },
    createRepositories: { type: Boolean, description: "ECR: create the missing repositories (needs the aws CLI)" },
    caFile: {
      type: [String],
      placeholder: "<file>",
      description:
        "Trust this CA (PEM) for the registry, besides certs.d; repeatable. podman gets it " +
        "with --cert-dir; docker's daemon must have it in /etc/docker/certs.d/<host:port>/",
    },
    platform,
    ...DEPLOYMENT_FLAGS,
    verbose,
    quiet,
  } as const;
}

export function saveFlags(defaults: ProductDefaults) {
  return {
    output: {
      type: String,
      alias: "o",
      placeholder: "<file>",
      description:
        "Required. The bundle to write: an OCI layout tar with gzip layers, each blob once, that " +
        "--from-archive pushes and podman and docker load; its sha256 goes to <file>.sha256",
    },
    split: {
      type: String,
      placeholder: "<size>",
      description:
        "Write parts <file>.000, <file>.001, ... of at most <size> bytes each (K, M, " +
        "G, T: 1024-based; at least 1M), each with its .sha256; FAT32 media: 4095M",
    },
    force: { type: Boolean, description: "Replace the bundle (single file or parts) if it exists" },
    ...sharedFlags(defaults, "save"),
    help: HELP_FLAG,
  } as const;
}

/** `push-images verify`'s flags (src/cli/verify-flags.ts), with the shared ones; --platform as the push took it. */
export function verifyCommandFlags(defaults: ProductDefaults) {
  const { verbose, quiet, platform, ...shared } = sharedFlags(defaults, "verify");
  const { registry, ...own } = verifyFlags(defaults);
  const asPushed = { ...platform, description: "The --platform the push had; every platform at the target is checked" };
  return { registry, ...shared, platform: asPushed, ...own, help: HELP_FLAG, verbose, quiet } as const;
}

/** The values of sharedFlags, as a push and `save` both take them. */
function sharedValues(flags: {
  containerTool?: string;
  image: string[];
  sourcePath?: string;
  sourceTag?: string;
  platform: string[];
  verbose?: boolean;
  quiet?: boolean;
}) {
  const { containerTool, image, sourcePath, sourceTag, platform } = flags;
  return { containerTool, image, sourcePath, sourceTag, platform, verbose: flags.verbose === true, quiet: flags.quiet === true };
}

export function parseCommandLine(argv: string[], defaults: ProductDefaults): ParsedCommandLine {
  const push = pushFlags(defaults);
  const save = saveFlags(defaults);
  const verify = verifyCommandFlags(defaults);
  // cleye's own help is off: it sorts the flags (with localeCompare, whose
  // ICU set-up alone costs ~14 ms of start-up) and exits the process itself.
  const parsed = cli(
    {
      name: "push-images",
      commands: [
        command({ name: "save", flags: listed(save), help: false }),
        command({ name: "verify", flags: listed(verify), help: false }),
      ],
      flags: listed(push),
      help: false,
    },
    undefined,
    // type-flag takes what it parses out of the array it is given; the
    // caller's argv must stay whole (cli.ts reads -v from it for errors).
    joinDashedValues(argv, argv[0] === "save" ? save : argv[0] === "verify" ? verify : push),
  );
  const help = parsed.flags.help.length > 0;
  const common = { help, unknownFlags: Object.keys(parsed.unknownFlags), extraArguments: parsed._ };
  if (parsed.command === "save") {
    const flags = singleValues(parsed.flags, save, help);
    return {
      ...common,
      command: "save",
      version: false,
      flags: { output: flags.output, split: flags.split, force: flags.force === true, ...sharedValues(flags) },
    };
  }
  if (parsed.command === "verify") {
    const flags = singleValues(parsed.flags, verify, help);
    return { ...common, command: "verify", version: false, flags: verifyValues(flags, sharedValues(flags)) };
  }
  const flags = singleValues(parsed.flags, push, help);
  return {
    ...common,
    command: "push",
    version: flags.version === true,
    flags: {
      ...sharedValues(flags),
      registry: flags.registry,
      destTag: flags.destTag,
      noTlsVerify: flags.noTlsVerify === true,
      dryRun: flags.dryRun === true,
      json: flags.json === true,
      registryType: flags.registryType,
      flatten: flags.flatten === true,
      createProject: flags.createProject === true,
      createRepositories: flags.createRepositories === true,
      plugin: flags.plugin,
      fromArchive: flags.fromArchive,
      caFile: flags.caFile,
      concurrency: flags.concurrency,
      retries: flags.retries,
      stallTimeout: flags.stallTimeout,
      digestFile: flags.digestFile,
      force: flags.force === true,
    },
  };
}
