/**
 * Artifact Registry (LOCATION-docker.pkg.dev): -r must name the project and
 * the repository, `LOCATION-docker.pkg.dev/PROJECT/REPOSITORY[/...]`.
 */
import { inputError } from "../src/core/errors.ts";
import type { RegistryUri } from "../src/options/registry-uri.ts";
import { splitProject } from "./google-project.ts";
import type { Plugin } from "../src/core/run-context.ts";

const REPOSITORY = /^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export class ArtifactRegistryPlugin implements Plugin {
  readonly name = "artifact-registry";

  constructor(registry: RegistryUri) {
    const example = `use -r ${registry.host}/<project-id>/<repository>[/path], for example -r ${registry.host}/my-project/apim-images`;
    const split = splitProject(registry.path);
    if ("problem" in split) throw inputError("INVALID_REGISTRY", `-r ${registry.prefix}: ${split.problem}`, example);
    const [repository] = split.rest;
    if (repository === undefined) {
      throw inputError(
        "INVALID_REGISTRY",
        `-r ${registry.prefix} names no Artifact Registry repository after the project "${split.project}"`,
        example,
      );
    }
    if (!REPOSITORY.test(repository)) {
      throw inputError(
        "INVALID_REGISTRY",
        `-r ${registry.prefix}: "${repository}" is not an Artifact Registry repository ` +
          `name (lower-case letters, digits, '-'; starts with a letter; at most 63)`,
        example,
      );
    }
  }

  apply(): void {
    // Only the constructor's check: the repository must already exist in the project.
  }
}
