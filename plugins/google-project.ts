/**
 * Google Cloud project ids, shared by GCR and Artifact Registry: 6 to 30
 * characters, lower-case letters, digits and hyphens, starting with a letter
 * and not ending with a hyphen. A domain-scoped project (example.com:my-project)
 * appears in an image path as example.com/my-project.
 */
const PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;

const PROJECT_ID_RULE = "6-30 lower-case letters, digits or '-', starting with a letter and not ending with '-'";

/** The project id and the path after it, or a reason it is missing or invalid. */
export function splitProject(path: readonly string[]): { project: string; rest: string[] } | { problem: string } {
  const domainScoped = path[0]?.includes(".") === true;
  const project = domainScoped ? path[1] : path[0];
  const rest = path.slice(domainScoped ? 2 : 1);
  if (project === undefined) return { problem: "the project id is missing" };
  if (!PROJECT_ID.test(project)) return { problem: `"${project}" is not a project id (${PROJECT_ID_RULE})` };
  return { project: domainScoped ? `${path[0]}:${project}` : project, rest };
}
