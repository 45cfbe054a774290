/**
 * The flags of `push-images verify`: the push's that choose the images and
 * reach the registry (so it checks the push's targets), and none that writes.
 */
import type { RawFlags } from "../options/options.ts";
import type { ProductDefaults } from "../options/product-defaults.ts";

/** A push's flags for the deployment after it (README: After the push), in PRODUCT.md's order. */
export const DEPLOYMENT_FLAGS = {
  digestFile: {
    type: String,
    placeholder: "<file>",
    description:
      "When the run ends, write each image at the target (pushed or up to date) to <file>, one pinned " +
      "reference a line: <registry>/<image>:<tag>@sha256:<manifest digest>, as Kubernetes and Helm take it",
  },
  force: {
    type: Boolean,
    description:
      "Send every image even when the target already holds it: the registry is asked for each blob and gets " +
      "the ones it lacks (a blob it lost, as 'push-images verify' finds)",
  },
} as const;

const REGISTRY_FLAG = { type: String, alias: "r", placeholder: "<uri>" } as const;

/**
 * `push-images verify`'s own flags: the push's that reach the registry and
 * name the targets, nothing that writes. flags.ts adds the shared ones (-i, -p, -v, -q).
 */
export function verifyFlags(defaults: ProductDefaults) {
  return {
    registry: { ...REGISTRY_FLAG, description: "Required. The registry and repository path pushed to: host[:port][/path...]" },
    containerTool: {
      type: String,
      alias: "c",
      placeholder: "<name>",
      description: `Container tool whose local images the target is compared with: podman or docker (default: ${defaults.containerTool})`,
    },
    destTag: { type: String, alias: "d", placeholder: "<tag>", description: "Tag at the destination (default: the source tag)" },
    sourceTag: {
      type: String,
      alias: "s",
      placeholder: "<tag>",
      description: `Local tag of the images (default: ${defaults.sourceTag})`,
    },
    noTlsVerify: { type: Boolean, alias: "t", description: "Do not verify TLS" },
    fromArchive: {
      type: [String],
      placeholder: "<file>",
      description:
        "Compare the target with the images a bundle holds (no podman or docker needed; without -i, all it holds); repeatable",
    },
    registryType: {
      type: String,
      placeholder: "<type>",
      description: "The push's --registry-type: its naming rules give the same targets (default: detected)",
    },
    flatten: { type: Boolean, description: "The push's --flatten (Docker Hub, quay.io)" },
    caFile: {
      type: [String],
      placeholder: "<file>",
      description: "Trust this CA (PEM) for the registry, besides certs.d; repeatable",
    },
    json: { type: Boolean, description: "Print a machine-readable report on stdout (human output stays on stderr)" },
  } as const;
}

/** The parsed verify flags as a push's RawFlags: options.ts checks them the same way. */
export function verifyValues(
  flags: {
    registry?: string;
    destTag?: string;
    noTlsVerify?: boolean;
    json?: boolean;
    registryType?: string;
    flatten?: boolean;
    fromArchive: string[];
    caFile: string[];
  },
  shared: Pick<RawFlags, "containerTool" | "image" | "sourcePath" | "sourceTag" | "verbose" | "quiet">,
): RawFlags {
  return {
    ...shared,
    registry: flags.registry,
    destTag: flags.destTag,
    noTlsVerify: flags.noTlsVerify === true,
    dryRun: false,
    json: flags.json === true,
    registryType: flags.registryType,
    flatten: flags.flatten === true,
    fromArchive: flags.fromArchive,
    caFile: flags.caFile,
  };
}
