/**
 * --from-archive: push the images a bundle holds straight to the registry,
 * through its API, with no podman or docker. Each bundle is opened before
 * anything is sent: its tar, manifests, configs and index files checked
 * against each other; every layer is then checked as it is sent
 * (src/bundle/blob-check.ts). Without -i the plan is what the bundles
 * hold; with -i each image asked for must be there. Nothing is loaded into
 * local storage.
 */
import type { Bundle, BundleImage } from "../src/bundle/bundle.ts";
import { planFromArchives } from "../src/bundle/archive-plan.ts";
import type { Job } from "../src/core/hooks.ts";
import type { RegistryType } from "../src/options/registry-type.ts";
import { BundlePush } from "../src/registry/bundle-push.ts";
import { chosenPlatforms } from "../src/registry/index-put.ts";
import type { Plugin, RunContext } from "../src/core/run-context.ts";

const PLUGIN_NAME = "from-archive";

export class FromArchivePlugin implements Plugin {
  readonly name = PLUGIN_NAME;
  private bundles: Bundle[] = [];
  /** The bundle image behind each planned source reference. */
  private readonly images = new Map<string, BundleImage>();

  constructor(
    private readonly files: readonly string[],
    /** Whether large blobs may go in chunks depends on it (src/registry/chunk-plan.ts). */
    private readonly registryType: RegistryType = "generic",
  ) {}

  apply(runner: RunContext): void {
    let push: BundlePush | undefined;
    runner.useTransport((core) => (push = new BundlePush(core, (source) => this.images.get(source), this.registryType)));
    // An image already at the target needs none of the uploads an earlier run left open for it.
    runner.hooks.afterPush.tapPromise(PLUGIN_NAME, async (job, result) => {
      if (result.status === "up-to-date") await push?.forgetSessionsOf(job);
    });
    runner.hooks.prepare.tapPromise(PLUGIN_NAME, async () => {
      // Loaded here, not at the top: the tar reader and node:crypto cost every other run start-up time.
      const { openBundle } = await import("../src/bundle/open-bundle.ts");
      for (const file of this.files) {
        runner.log.info(`Checking ${file} ...`);
        this.bundles.push(await openBundle(file, { log: runner.log, signal: runner.stopSignal, tempDir: runner.tempDir }));
      }
    });
    runner.hooks.plan.tap(PLUGIN_NAME, (jobs) => this.fromBundles(runner, jobs));
  }

  /** Points each job's source at the name its bundle gives the image. */
  private fromBundles(runner: RunContext, jobs: Job[]): Job[] {
    const { sourcePath, sourceTag, imagesChosen } = runner.options;
    const contents = this.bundles.map((bundle) => ({
      file: bundle.files[0] ?? "",
      images: bundle.images.map((image) => ({ id: image.id, repoTags: [image.reference] })),
    }));
    const plan = planFromArchives(jobs, contents, { imagesChosen, sourcePath, sourceTag });
    if (plan.note) runner.log.info(plan.note);
    for (const job of plan.jobs) {
      const image = this.bundles.flatMap((bundle) => bundle.images).find((candidate) => candidate.reference === job.source);
      if (!image) continue;
      // A platform asked for that a multi-platform image lacks: exit 2 before anything is sent.
      if (image.index) chosenPlatforms(image, runner.options.platforms);
      this.images.set(job.source, image);
    }
    return plan.jobs;
  }
}
