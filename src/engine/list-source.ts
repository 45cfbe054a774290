/**
 * What podman pushes for a job whose source is a manifest list: the list
 * itself when every platform goes; the one image when --platform keeps
 * one; else a temporary list of just the kept platforms' images, made for
 * the push and removed by `remove()` after the last one.
 */
import { randomBytes } from "node:crypto";
import type { ContainerTool } from "./container-tool.ts";
import type { LocalList } from "./local-lists.ts";
import type { Shell } from "./shell.ts";
import { failure } from "../core/errors.ts";
import type { Job } from "../core/hooks.ts";
import { failureDetail, failureReason } from "./command-failure.ts";

/** The local reference pushed, and whether it is a list (`manifest push`) or one image (`push`). */
export interface ListSource {
  readonly reference: string;
  readonly list: boolean;
}

export class TemporaryLists {
  private readonly made: string[] = [];

  constructor(
    private readonly tool: ContainerTool,
    private readonly shell: Shell,
  ) {}

  /** What to push for `job`'s list; a temporary list is made here when --platform keeps some of its platforms. */
  async sourceOf(job: Job, local: LocalList): Promise<ListSource> {
    if (local.chosen.length === local.platforms.length) return { reference: job.source, list: true };
    const [only] = local.chosen;
    if (local.chosen.length === 1 && only) return { reference: only.id, list: false };
    const reference = `localhost/push-images-temporary/${job.image}:${randomBytes(6).toString("hex")}`;
    await this.run(["manifest", "create", reference], job);
    this.made.push(reference);
    for (const entry of local.chosen) await this.run(["manifest", "add", reference, `containers-storage:${entry.id}`], job);
    return { reference, list: true };
  }

  /** Removes the temporary lists, all in one command. */
  async remove(): Promise<string | undefined> {
    if (this.made.length === 0) return undefined;
    const result = await this.shell.run(this.tool.name, ["manifest", "rm", ...this.made.splice(0)], { mutates: true });
    return result.exitCode === 0 ? undefined : result.stderr.trim();
  }

  private async run(args: string[], job: Job): Promise<void> {
    const result = await this.shell.run(this.tool.name, args, { mutates: true });
    if (result.exitCode === 0) return;
    const failed = { command: this.tool.name, args, ...result };
    throw failure(
      "PUSH_FAILED",
      `could not make the list of ${job.image}'s chosen platforms: ${failureReason(failed)}`,
      `run '${this.tool.name} ${args.join(" ")}' and fix what it reports, or leave --platform out`,
      failureDetail(failed),
    );
  }
}
