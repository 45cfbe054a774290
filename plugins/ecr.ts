/**
 * Amazon ECR: repositories must exist before a push, and their names follow
 * ECR's stricter grammar. With the aws CLI on PATH, preflight checks each
 * repository and --create-repositories creates the missing ones; without it,
 * the plan names the repositories that must exist.
 */
import { failure, inputError } from "../src/core/errors.ts";
import { failureDetail, failureReason } from "../src/engine/command-failure.ts";
import type { Job } from "../src/core/hooks.ts";
import { PREFLIGHT_STAGE } from "../src/core/hooks.ts";
import type { RegistryUri } from "../src/options/registry-uri.ts";
import type { Plugin, RunContext } from "../src/core/run-context.ts";

const PLUGIN_NAME = "ecr";
const REPOSITORY = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

export class EcrPlugin implements Plugin {
  readonly name = PLUGIN_NAME;
  private readonly region: string;

  constructor(
    private readonly registry: RegistryUri,
    private readonly createRepositories: boolean,
  ) {
    this.region = /\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws/.exec(registry.host)?.[1] ?? "";
  }

  apply(runner: RunContext): void {
    runner.hooks.plan.tap(PLUGIN_NAME, (jobs) => {
      for (const name of this.repositories(jobs)) {
        if (!REPOSITORY.test(name) || name.length < 2 || name.length > 256) {
          throw inputError(
            "INVALID_REGISTRY",
            `"${name}" is not a valid ECR repository name (lower case, digits, single '.', '_', '-' or '/' between them; 2-256 characters)`,
            `choose another -r path for ${this.registry.host}`,
          );
        }
      }
      return jobs;
    });
    // First of all checks: the list of repositories is useful even when nothing else can be reached.
    runner.hooks.preflight.tapPromise({ name: PLUGIN_NAME, stage: PREFLIGHT_STAGE.containerTool - 1 }, (jobs) =>
      this.check(runner, jobs),
    );
  }

  private repositories(jobs: readonly Job[]): string[] {
    return jobs.map((job) => job.target.slice(this.registry.host.length + 1, job.target.lastIndexOf(":")));
  }

  private async check(runner: RunContext, jobs: readonly Job[]): Promise<void> {
    const names = this.repositories(jobs);
    const aws = async (ecrArgs: string[], mutates = false) => {
      const args = ["ecr", ...ecrArgs, "--region", this.region, "--output", "json"];
      return { command: "aws", args, ...(await runner.shell.run("aws", args, { mutates })) };
    };
    if ((await runner.shell.run("aws", ["--version"])).exitCode === 127) {
      runner.log.always(
        `ECR: these repositories must exist in ${this.region} before the push (no aws CLI here to check): ${names.join(", ")}`,
      );
      return;
    }
    const missing: string[] = [];
    for (const name of names) {
      const result = await aws(["describe-repositories", "--repository-names", name]);
      if (result.exitCode === 0) continue;
      if (!/RepositoryNotFoundException/.test(result.stderr)) {
        const message = `'aws ecr describe-repositories' failed for ${name}: ${failureReason(result)}`;
        const fix = "run 'aws sts get-caller-identity' to check your AWS credentials and region";
        throw failure("REGISTRY_ERROR", message, fix, failureDetail(result));
      }
      missing.push(name);
    }
    if (missing.length === 0) return;
    if (!this.createRepositories) {
      throw failure(
        "REPOSITORY_NOT_FOUND",
        `ECR repositories missing in ${this.region}: ${missing.join(", ")}`,
        `add --create-repositories, or run 'aws ecr create-repository --region ${this.region} --repository-name <name>' for each`,
      );
    }
    for (const name of missing) {
      const created = await aws(["create-repository", "--repository-name", name], true);
      if (created.exitCode !== 0) {
        const message = `could not create ECR repository ${name}: ${failureReason(created)}`;
        throw failure(
          "ACCESS_DENIED",
          message,
          "check that your AWS identity may call ecr:CreateRepository",
          failureDetail(created),
        );
      }
      runner.log.info(`Created ECR repository ${name} in ${this.region}`);
    }
  }
}
