/**
 * What `push-images --help` and `push-images save --help` say: the flags
 * of src/cli/flags.ts with the description, usage and examples of each page.
 */
import ansis from "ansis";
import { pushFlags, saveFlags, verifyCommandFlags } from "./flags.ts";
import { renderHelpPage, type HelpPage } from "./help-layout.ts";
import type { ProductDefaults } from "../options/product-defaults.ts";
import { reportedColumns } from "./terminal-size.ts";

/** The help of `command`, laid out for stdout: its width on a terminal, bold headings where colours are on. */
export function helpText(command: "push" | "save" | "verify", defaults: ProductDefaults): string {
  const pages = { push: pushHelpPage, save: saveHelpPage, verify: verifyHelpPage };
  const page = pages[command](defaults);
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
      "Each option is given once, except the repeatable -i, --plugin, --from-archive, --ca-file and --platform.",
    ],
    usage: [
      "push-images -r <registry>[/<repository path>] [options]",
      "push-images save -o <file> [options]   (push-images save --help)",
      "push-images verify -r <registry>[/<repository path>] [options]   (push-images verify --help)",
    ],
    commands: [
      [
        "save",
        "Write the product's images to one archive, to carry them into an air-gapped site and push them there with --from-archive.",
      ],
      [
        "verify",
        "Check, read-only, that the registry holds every image whole (manifests, every blob), the same as the local ones or the bundle.",
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
      "# Pinned references for Helm values, then check the registry before the install",
      "push-images -r registry.example.com/apim --digest-file apim-images.digests",
      "push-images verify -r registry.example.com/apim",
    ],
  };
}

function verifyHelpPage(defaults: ProductDefaults): HelpPage {
  return {
    name: "push-images verify",
    description: [
      "Check, read-only (GET and HEAD only), that the registry holds each image as a pull needs it: the manifest",
      "(for a list, every platform's) and every blob it names; and, where the local image (-c) or the bundle",
      "(--from-archive) is at hand, that it is the same image. Takes the push's options, so it checks the push's targets.",
      "Also says whether the registry refuses anonymous pulls (the cluster then needs a pull secret).",
      "Exit codes: 0 every image whole, 1 something missing or different (each named, with the push that fixes it),",
      "2 invalid input, 130 interrupted.",
    ],
    usage: ["push-images verify -r <registry>[/<repository path>] [-i <image>]... [-d <tag>] [--from-archive <file>] [options]"],
    flags: verifyCommandFlags(defaults),
    examples: [
      "push-images verify -r registry.example.com/apim",
      "push-images verify -r registry.example.com/apim --from-archive apim-images.tar --json",
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
