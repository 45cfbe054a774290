/**
 * What `push-images --help` and `push-images save --help` say: the flags
 * of src/cli/flags.ts with the description, usage and examples of each page.
 */
import ansis from "ansis";
import { pushFlags, saveFlags } from "./flags.ts";
import { renderHelpPage, type HelpPage } from "./help-layout.ts";
import type { ProductDefaults } from "../options/product-defaults.ts";
import { reportedColumns } from "./terminal-size.ts";

/** The help of `command`, laid out for stdout: its width on a terminal, bold headings where colours are on. */
export function helpText(command: "push" | "save", defaults: ProductDefaults): string {
  const page = command === "save" ? saveHelpPage(defaults) : pushHelpPage(defaults);
  return renderHelpPage(page, {
    columns: reportedColumns(process.stdout) ?? Number.POSITIVE_INFINITY,
    bold: ansis.level > 0 ? (text) => ansis.bold(text) : undefined,
  });
}

export function pushHelpPage(defaults: ProductDefaults): HelpPage {
  return {
    name: "push-images",
    description: [
      `Push ${defaults.product} images from local podman or docker storage (or an archive) to a registry.`,
      "Source: <source-path>/<image>:<source-tag>   Target: <registry>/<image>:<dest-tag>",
      "Log in to the registry first (podman login / docker login). Exit codes: 0 all " +
        "pushed, 1 something failed, 2 invalid input (nothing touched), 130 interrupted.",
      "PRODUCT_DEFAULTS=<file.json>, or product-defaults.json beside the program, replaces the defaults.",
      "Each option is given once, except the repeatable -i, --plugin, --from-archive and --ca-file.",
    ],
    usage: [
      "push-images -r <registry>[/<repository path>] [options]",
      "push-images save -o <file> [options]   (push-images save --help)",
    ],
    commands: [
      [
        "save",
        "Write the product's images to one archive, to carry them into an air-gapped site and push them there with --from-archive.",
      ],
    ],
    flags: pushFlags(defaults),
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
  };
}

export function saveHelpPage(defaults: ProductDefaults): HelpPage {
  return {
    name: "push-images save",
    description: [
      "Write the product's images to one bundle (an OCI layout tar with gzip layers, each blob once, that podman and docker load too),",
      "to carry them into an air-gapped site and push them there with --from-archive.",
    ],
    usage: ["push-images save -o <file> [--force] [--split <size>] [-c podman|docker] [-i <image>]... [-p <path>] [-s <tag>]"],
    flags: saveFlags(defaults),
    examples: [
      "push-images save -o apim-images.tar -c podman",
      "push-images save -o apim-images.tar --split 4095M   # parts apim-images.tar.000, ... for FAT32 media",
      "push-images --from-archive apim-images.tar -r registry.example.com/apim",
    ],
  };
}
