/**
 * Harbor: the first path component of -r is a project, and the project must
 * exist before a push. Preflight asks Harbor's project API with the stored
 * credentials; --create-project creates a missing one.
 */
import { failure, inputError } from "../src/core/errors.ts";
import { PREFLIGHT_STAGE } from "../src/core/hooks.ts";
import type { RegistryUri } from "../src/options/registry-uri.ts";
import { loginRequiredFix } from "../src/registry/login-command.ts";
import type { Plugin, RunContext } from "../src/core/run-context.ts";

const PLUGIN_NAME = "harbor";
const PROJECT_NAME = /^[a-z0-9][a-z0-9._-]{0,254}$/;

export class HarborPlugin implements Plugin {
  readonly name = PLUGIN_NAME;
  private readonly project: string;

  constructor(
    private readonly registry: RegistryUri,
    private readonly createProject: boolean,
  ) {
    const [project] = registry.path;
    const example = `use -r ${registry.host}/<project>[/path], for example -r ${registry.host}/apim`;
    if (project === undefined)
      throw inputError(
        "INVALID_REGISTRY",
        `-r ${registry.prefix} names no Harbor project; Harbor paths start with a project`,
        example,
      );
    if (!PROJECT_NAME.test(project)) {
      throw inputError(
        "INVALID_REGISTRY",
        `"${project}" is not a Harbor project name (1-255 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit)`,
        example,
      );
    }
    this.project = project;
  }

  apply(runner: RunContext): void {
    // After the built-in registry check, which found the credentials Harbor accepts.
    runner.hooks.preflight.tapPromise({ name: PLUGIN_NAME, stage: PREFLIGHT_STAGE.registry + 1 }, () =>
      this.ensureProject(runner),
    );
  }

  private async ensureProject(runner: RunContext): Promise<void> {
    const registry = await runner.registry();
    const project = this.project;
    const host = this.registry.host;
    const found = await registry.request(`/api/v2.0/projects?project_name=${encodeURIComponent(project)}`, { method: "HEAD" });
    if (found.status === 200) return;
    if (found.status !== 404) throw apiError(host, "look up", project, found.status, registry.login);
    if (!this.createProject) {
      throw failure(
        "PROJECT_NOT_FOUND",
        `Harbor project "${project}" does not exist on ${host}`,
        `create it in Harbor (Projects > New Project), or add --create-project to create it`,
      );
    }
    if (runner.options.dryRun) {
      runner.log.always(`Harbor project "${project}" does not exist; a real run creates it (--create-project)`);
      return;
    }
    const body = JSON.stringify({ project_name: project, metadata: { public: "false" } });
    const created = await registry.request("/api/v2.0/projects", { method: "POST", body });
    // 409: someone created it between our look-up and now, which is what we wanted.
    if (created.status !== 201 && created.status !== 409) throw apiError(host, "create", project, created.status, registry.login);
    runner.log.info(`Created Harbor project "${project}" on ${host} (private)`);
  }
}

/** `login`: the command preflight named (RegistryConnection.login). */
function apiError(host: string, action: string, project: string, status: number, login: string) {
  if (status === 401) {
    return failure("AUTH_REQUIRED", `Harbor on ${host} wants a login to ${action} project "${project}"`, loginRequiredFix(login));
  }
  if (status === 403) {
    return failure(
      "ACCESS_DENIED",
      `your Harbor account may not ${action} project "${project}" on ${host}`,
      "ask a Harbor administrator to create the project or grant you the right to",
    );
  }
  return failure(
    "REGISTRY_ERROR",
    `Harbor on ${host} answered HTTP ${status} when asked to ${action} project "${project}"`,
    "check Harbor's logs, or create the project by hand",
  );
}
