/**
 * --from-archive: push from image archives instead of what is already in
 * local storage. Each archive is checked whole before anything happens
 * (readable, complete, digests right, and equal to the `<archive>.sha256`
 * beside it if there is one). Without -i the plan is what the archives
 * hold; with -i each image asked for must be there. Preflight loads them
 * into the container tool and confirms the ids; when the run ends, however
 * it ends, local storage is put back as it was before the load.
 */
import type { ArchiveContents } from "../src/archive/archive-contents.ts";
import { planFromArchives } from "../src/archive/archive-plan.ts";
import { gunzippedCopy } from "../src/archive/gunzip.ts";
import { StorageGuard } from "../src/archive/storage-guard.ts";
import { failure } from "../src/errors.ts";
import type { Job } from "../src/hooks.ts";
import type { Plugin } from "../src/plugin.ts";
import { PREFLIGHT_STAGE } from "../src/preflight.ts";
import type { Runner } from "../src/runner.ts";

const PLUGIN_NAME = "from-archive";

export class FromArchivePlugin implements Plugin {
  readonly name = PLUGIN_NAME;
  private archives: ArchiveContents[] = [];
  /** Image id per source reference, as the archives name it. */
  private ids = new Map<string, string>();
  private guard?: StorageGuard;

  constructor(private readonly files: readonly string[]) {}

  apply(runner: Runner): void {
    runner.hooks.prepare.tapPromise(PLUGIN_NAME, async () => {
      for (const file of this.files) runner.log.info(`Checking archive ${file} ...`);
      // Loaded here, not at the top: node-tar and node:crypto cost every run ~20 ms to load.
      const { readArchiveAsSaved } = await import("../src/archive/checksum-file.ts");
      this.archives = await Promise.all(this.files.map((file) => readArchiveAsSaved(file, runner.log)));
    });
    runner.hooks.plan.tap(PLUGIN_NAME, (jobs) => this.fromArchives(runner, jobs));
    // Right after the tool answers, before the source images are looked for.
    runner.hooks.preflight.tapPromise({ name: PLUGIN_NAME, stage: PREFLIGHT_STAGE.containerTool + 1 }, (jobs) => this.load(runner, jobs));
    runner.hooks.cleanup.tapPromise(PLUGIN_NAME, async () => this.guard?.restore(this.archives.flatMap((archive) => archive.images)));
  }

  /** Points each job's source at the name its archive gives the image. */
  private fromArchives(runner: Runner, jobs: Job[]): Job[] {
    const { sourcePath, sourceTag, imagesChosen } = runner.options;
    const plan = planFromArchives(jobs, this.archives, { imagesChosen, sourcePath, sourceTag });
    if (plan.note) runner.log.info(plan.note);
    this.ids = plan.ids;
    return plan.jobs;
  }

  private async load(runner: Runner, jobs: readonly Job[]): Promise<void> {
    const { tool, shell, log, options } = runner;
    if (!options.dryRun) {
      // What the load will change is noted first, so it can be put back (cleanup hook).
      this.guard = new StorageGuard(tool, shell, log);
      await this.guard.note();
    }
    for (const file of this.files) {
      log.info(`Loading ${file} into ${tool.name} ...`);
      // podman 4 cannot load a gzipped docker-archive; docker can.
      const plain = tool.name === "podman" && !options.dryRun ? await gunzippedCopy(file) : undefined;
      try {
        const result = await shell.run(tool.name, ["load", "-i", plain?.file ?? file], { mutates: true });
        if (result.exitCode !== 0) {
          throw failure("ARCHIVE_INVALID", `${tool.name} could not load ${file}: ${result.stderr.trim().split("\n").at(-1)}`, `run '${tool.name} load -i ${file}' to see the whole error`, result.stderr);
        }
      } finally {
        await plain?.remove();
      }
    }
    // In a dry run nothing was loaded; the archive vouches for the images.
    const loaded = options.dryRun ? this.ids : await tool.imageIds(jobs.map((job) => job.source));
    for (const job of jobs) {
      const expected = this.ids.get(job.source);
      const actual = loaded.get(job.source);
      if (actual !== expected) {
        throw failure("ARCHIVE_INVALID", `after loading, ${job.source} in ${tool.name} is ${actual ?? "missing"}, not the archive's ${expected}`, `run '${tool.name} images' and check for a name clash`);
      }
      runner.localImages.set(job.source, actual);
    }
  }
}
