/**
 * The -r rules of Google's registries, checked with the other options
 * (exit 2 before anything runs): they only validate the path, so they are
 * checks, not plugins.
 * - Container Registry (gcr.io, *.gcr.io): `gcr.io/PROJECT-ID[/...]`,
 *   domain-scoped ids included; any depth below the project.
 * - Artifact Registry (LOCATION-docker.pkg.dev):
 *   `LOCATION-docker.pkg.dev/PROJECT/REPOSITORY[/...]`; the repository must
 *   already exist in the project.
 */
import { inputError } from "../core/errors.ts";
import type { RegistryUri } from "./registry-uri.ts";

/**
 * Google Cloud project ids: 6 to 30 characters, lower-case letters, digits
 * and hyphens, starting with a letter and not ending with a hyphen. A
 * domain-scoped project (example.com:my-project) appears in an image path
 * as example.com/my-project.
 */
const PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const PROJECT_ID_RULE = "6-30 lower-case letters, digits or '-', starting with a letter and not ending with '-'";
const REPOSITORY = /^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export function checkGcrPath(registry: RegistryUri): void {
  const split = splitProject(registry.path);
  if ("problem" in split) {
    throw inputError(
      "INVALID_REGISTRY",
      `-r ${registry.prefix}: ${split.problem}; Container Registry paths start with the project id`,
      `use -r ${registry.host}/<project-id>[/path], for example -r ${registry.host}/my-project/apim`,
    );
  }
}

export function checkArtifactRegistryPath(registry: RegistryUri): void {
  const example = `use -r ${registry.host}/<project-id>/<repository>[/path], for example -r ${registry.host}/my-project/apim-images`;
  const split = splitProject(registry.path);
  if ("problem" in split) throw inputError("INVALID_REGISTRY", `-r ${registry.prefix}: ${split.problem}`, example);
  const [repository] = split.rest;
  if (repository === undefined) {
    const what = `-r ${registry.prefix} names no Artifact Registry repository after the project "${split.project}"`;
    throw inputError("INVALID_REGISTRY", what, example);
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

/** The project id and the path after it, or a reason it is missing or invalid. */
function splitProject(path: readonly string[]): { project: string; rest: string[] } | { problem: string } {
  const domainScoped = path[0]?.includes(".") === true;
  const project = domainScoped ? path[1] : path[0];
  const rest = path.slice(domainScoped ? 2 : 1);
  if (project === undefined) return { problem: "the project id is missing" };
  if (!PROJECT_ID.test(project)) return { problem: `"${project}" is not a project id (${PROJECT_ID_RULE})` };
  return { project: domainScoped ? `${path[0]}:${project}` : project, rest };
}
