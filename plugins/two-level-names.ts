/**
 * Shared rule of Docker Hub and quay.io: a repository is exactly
 * `namespace/name`. A deeper -r is refused, or with --flatten the extra
 * path is joined onto the image name with '-'
 * (docker.io/acme/apim + apim-le-cache -> docker.io/acme/apim-apim-le-cache).
 */
import { inputError } from "../src/core/errors.ts";
import type { Job } from "../src/core/hooks.ts";
import type { RegistryUri } from "../src/options/registry-uri.ts";
import type { Plugin, RunContext } from "../src/core/run-context.ts";

export class TwoLevelNamesPlugin implements Plugin {
  constructor(
    readonly name: string,
    label: string,
    private readonly registry: RegistryUri,
    flatten: boolean,
  ) {
    const [namespace, ...extra] = registry.path;
    if (namespace === undefined) {
      throw inputError(
        "INVALID_REGISTRY",
        `${label} needs a namespace (your user or organisation) in -r`,
        `use -r ${registry.host}/<namespace>, for example -r ${registry.host}/acme`,
      );
    }
    if (extra.length > 0 && !flatten) {
      throw inputError(
        "INVALID_REGISTRY",
        `${label} accepts only namespace/name, and -r ${registry.prefix} adds "${extra.join("/")}" below the namespace`,
        `use -r ${registry.host}/${namespace}, or add --flatten to push to ${registry.host}/${namespace}/${extra.join("-")}-<image>`,
      );
    }
  }

  apply(runner: RunContext): void {
    runner.hooks.plan.tap(this.name, (jobs) => jobs.map((job) => this.flatten(job)));
  }

  /** host/ns/a/b/image:tag becomes host/ns/a-b-image:tag. */
  private flatten(job: Job): Job {
    const [namespace, ...extra] = this.registry.path;
    if (extra.length === 0) return job;
    const rest = job.target.slice(this.registry.prefix.length + 1);
    return { ...job, target: `${this.registry.host}/${namespace}/${[...extra, rest].join("-")}` };
  }
}
