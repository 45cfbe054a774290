/**
 * Container Registry (gcr.io, *.gcr.io): -r must name the Google Cloud
 * project, `gcr.io/PROJECT-ID[/...]`, domain-scoped ids included.
 */
import { inputError } from "../src/core/errors.ts";
import type { RegistryUri } from "../src/options/registry-uri.ts";
import { splitProject } from "./google-project.ts";
import type { Plugin } from "../src/core/run-context.ts";

export class GcrPlugin implements Plugin {
  readonly name = "gcr";

  constructor(registry: RegistryUri) {
    const split = splitProject(registry.path);
    if ("problem" in split) {
      throw inputError(
        "INVALID_REGISTRY",
        `-r ${registry.prefix}: ${split.problem}; Container Registry paths start with the project id`,
        `use -r ${registry.host}/<project-id>[/path], for example -r ${registry.host}/my-project/apim`,
      );
    }
  }

  apply(): void {
    // Only the constructor's check: GCR accepts any depth below the project.
  }
}
