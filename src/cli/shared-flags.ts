/** The flags every command shares: choosing the images, and how much to say. */
import type { ProductDefaults } from "../options/product-defaults.ts";

export const HELP_FLAG = { type: Boolean, alias: "h", description: "Show this help" } as const;

/** The flags that choose images and shape the output, shared by a push and by `save`. */
export function sharedFlags(defaults: ProductDefaults, verb: string) {
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
    verbose: { type: Boolean, alias: "v", description: "Show each container-tool command and its raw output (secrets masked)" },
    quiet: { type: Boolean, alias: "q", description: "Show only errors and the summary" },
  } as const;
}

/** The values of sharedFlags, as a push and `save` both take them. */
export function sharedValues(flags: {
  containerTool?: string;
  image: string[];
  sourcePath?: string;
  sourceTag?: string;
  verbose?: boolean;
  quiet?: boolean;
}) {
  const { containerTool, image, sourcePath, sourceTag } = flags;
  return { containerTool, image, sourcePath, sourceTag, verbose: flags.verbose === true, quiet: flags.quiet === true };
}
