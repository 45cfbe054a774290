/**
 * Keeps local storage as the user left it around `<tool> load`: notes the
 * storage before the load, and afterwards (also after a failure or an
 * interrupt) points moved names back, drops the names the load added and
 * removes the images it brought in. Says in one line what it put back.
 */
import { setTimeout } from "node:timers/promises";
import { formatCommand } from "../command-text.ts";
import type { ContainerTool } from "../container-tool.ts";
import { failure } from "../errors.ts";
import type { Logger } from "../logger.ts";
import type { Shell } from "../shell.ts";
import type { ArchiveImage } from "./archive-contents.ts";
import { loadedLeftovers, parseImageList, restorePlan, type StorageSnapshot } from "./restore-plan.ts";

/** Listings tried before giving up, while other processes remove images. */
const LIST_TRIES = 4;

export class StorageGuard {
  private before?: StorageSnapshot;

  constructor(
    private readonly tool: ContainerTool,
    private readonly shell: Shell,
    private readonly log: Logger,
  ) {}

  /** Notes local storage; call right before the first load. */
  async note(): Promise<void> {
    this.before = await this.list();
  }

  /** Undoes what the loads of `images` changed; warns (never throws) when a step fails. */
  async restore(images: readonly ArchiveImage[]): Promise<void> {
    const before = this.before;
    if (!before) return;
    this.before = undefined;
    try {
      const done = await this.undo(before, images);
      if (done.length > 0) this.log.info(`Local storage put back as found after loading: ${done.join("; ")}`);
      else this.log.verbose("Loading changed no name in local storage");
    } catch (error) {
      this.log.warn(`could not put local storage back after loading: ${(error as Error).message}`);
    }
  }

  private async undo(before: StorageSnapshot, images: readonly ArchiveImage[]): Promise<string[]> {
    const done: string[] = [];
    let now = await this.list();
    const { repoint, drop } = restorePlan(before, now, images.flatMap((image) => image.repoTags));
    for (const [name, id] of repoint) {
      if (await this.change(this.tool.retagArgs(id, name))) done.push(`${name} names your image ${short(id)} again`);
    }
    for (const [id, names] of drop) {
      if (await this.change(this.tool.dropNamesArgs(id, names))) done.push(`dropped ${names.join(", ")}`);
    }
    if (repoint.length > 0 || drop.size > 0) now = await this.list();
    const leftovers = loadedLeftovers(before, now, images.map((image) => image.id));
    if (leftovers.length > 0 && (await this.change(this.tool.removeImagesArgs(leftovers)))) {
      const count = leftovers.length === 1 ? "the image" : `${leftovers.length} images`;
      done.push(`removed ${count} it added (${leftovers.map(short).join(", ")})`);
    }
    return done;
  }

  /** Runs one change; a failure is a warning with the command to finish by hand. */
  private async change(args: readonly string[]): Promise<boolean> {
    const result = await this.shell.run(this.tool.name, args, { mutates: true });
    if (result.exitCode === 0) return true;
    const command = formatCommand(this.tool.name, args);
    this.log.warn(`'${command}' failed: ${lastLine(result.stderr)}; run it by hand to leave storage as it was`);
    return false;
  }

  private async list(): Promise<StorageSnapshot> {
    let result = await this.shell.run(this.tool.name, this.tool.listImagesArgs());
    // podman 4 fails a listing when another process removes an image meanwhile ("image not known"); a second look succeeds.
    for (let tries = 1; tries < LIST_TRIES && result.exitCode !== 0 && /image not known/.test(result.stderr); tries++) {
      await setTimeout(100 * tries);
      result = await this.shell.run(this.tool.name, this.tool.listImagesArgs());
    }
    if (result.exitCode !== 0) {
      const command = `${this.tool.name} images`;
      throw failure("TOOL_NOT_RESPONDING", `'${command}' failed: ${lastLine(result.stderr)}`, `run '${command}' and fix what it reports`);
    }
    return parseImageList(result.stdout);
  }
}

/** Ids as `docker images` shows them: 12 hex digits. */
function short(id: string): string {
  return id.replace(/^sha256:/, "").slice(0, 12);
}

function lastLine(text: string): string {
  return text.trim().split("\n").at(-1) ?? "";
}
