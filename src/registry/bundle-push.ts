/**
 * The registry API as a transport: each image of a bundle goes up blob by
 * blob, straight from the bundle file, with no container engine.
 * - A blob the target repository has (HEAD) is skipped. A blob this run,
 *   or an earlier one (remembered-mount.ts), put into another repository
 *   of the registry is mounted from there: shared layers go up once.
 * - The rest are uploaded several at a time, largest first (upload-slots.ts),
 *   each retried on its own, large ones as one stream (or in chunks) a later run can continue
 *   (chunked-upload.ts), each checked as it is read (bundle/blob-check.ts).
 * - A sent blob's answer is awaited for a time that grows with its size
 *   (core/answer-wait.ts); one whose answer was lost is looked for (HEAD)
 *   before it is sent again.
 * - The manifest goes last, once every blob passed its check; the runner
 *   then reads the target back.
 */
import { pipeline } from "node:stream";
import type { BundleBlob, BundleImage } from "../bundle/bundle.ts";
import { bundleInvalid } from "../bundle/blob-check.ts";
import { failure, type PushImagesError } from "../core/errors.ts";
import type { Job } from "../core/hooks.ts";
import type { RegistryType } from "../options/registry-type.ts";
import type { SendOutcome, Transport, TransportContext } from "../core/transport.ts";
import { answerWaitMs, waitText } from "../core/answer-wait.ts";
import { blobExists, mountBlob, putManifest, putStreamed, putWhole, startUpload, type Patience } from "./blob-steps.ts";
import { ChunkLimits } from "./chunk-limits.ts";
import { mebibytes, uploadsInChunks } from "./chunk-plan.ts";
import { uploadInChunks } from "./chunked-upload.ts";
import type { RegistryConnection } from "./connection.ts";
import { ByteProgress } from "./byte-progress.ts";
import { DigestTap, dockerManifest, type Placed } from "./docker-archive-upload.ts";
import { splitReference } from "./manifest.ts";
import { UploadSessions, uploadStateFile } from "./upload-sessions.ts";
import { withRetries, type AttemptTally } from "./blob-retries.ts";
import { UploadSlots } from "./upload-slots.ts";
import { blockGzipStream } from "../bundle/block-gzip.ts";
import { mountRemembered, type RememberedMount } from "./remembered-mount.ts";
import { bundleImageIndex, distinct, sendPlan } from "./index-put.ts";

/** Uploads in flight at once, over all images: enough to fill a link, few enough for a small registry. */
const UPLOADS_IN_FLIGHT = 6;

export class BundlePush implements Transport {
  readonly name = "the registry API";
  private readonly slots = new UploadSlots(UPLOADS_IN_FLIGHT);
  /** Blobs this run has put into (or found in) a repository, by their digest as stored in the bundle. */
  private readonly placed = new Map<string, Promise<Placed>>();
  /** Chunked uploads a run left open, to continue; read only when a blob is large enough to be chunked. */
  private readonly sessions: UploadSessions;
  /** What the registry said about chunks (their sizes, or none at all), for the whole run. */
  private readonly limits = new ChunkLimits();
  /** Where earlier runs left blobs, to mount them from. */
  private readonly remembered: RememberedMount;

  constructor(
    private readonly runner: TransportContext,
    /** The bundle's image for each job source. */
    private readonly imageOf: (source: string) => BundleImage | undefined,
    /** Decides whether large blobs may go in chunks (chunk-plan.ts). */
    private readonly registryType: RegistryType = "generic",
  ) {
    this.sessions = new UploadSessions(uploadStateFile(runner.env), runner.log);
    this.remembered = { host: runner.options.registry.host, sessions: this.sessions, log: runner.log };
  }

  /**
   * The job's image was found up to date at the target: every blob of it is
   * there, so the uploads a run left open for them there are of no more use.
   */
  async forgetSessionsOf(job: Job): Promise<void> {
    const image = this.imageOf(job.source);
    if (!image) return;
    const { name } = splitReference(job.target);
    const host = this.runner.options.registry.host;
    for (const blob of distinct([image.config, ...image.layers])) {
      if (uploadsInChunks(blob, this.registryType)) await this.sessions.forget(host, name, blob.digest);
    }
  }

  /** What the up-to-date check and the read-back compare the target's config with. */
  imageId = (source: string): string | undefined => this.imageOf(source)?.id;
  imageIndex = (source: string) => bundleImageIndex(this.imageOf(source), this.runner.options.platforms);

  async send(job: Job): Promise<SendOutcome> {
    // This send's own count: its blobs retry concurrently, and the most attempts any step took is the job's.
    const tally: AttemptTally = { attempts: 0 };
    try {
      return { digest: await this.sendImage(job, tally), attempts: tally.attempts };
    } catch (error) {
      return { error, attempts: tally.attempts };
    }
  }

  private async sendImage(job: Job, tally: AttemptTally): Promise<string | undefined> {
    const image = this.imageOf(job.source);
    if (!image)
      throw failure("ARCHIVE_MISSING_IMAGE", `the bundle holds no image ${job.source}`, "choose the images it holds with -i");
    const { name, tag } = splitReference(job.target);
    const registry = await this.runner.registry();
    const plan = sendPlan(image, this.runner.options.platforms);
    const total = plan.blobs.reduce((sum, blob) => sum + blob.size, 0);
    const progress = new ByteProgress(this.runner.hooks, job, total);
    tally.attempts = Math.max(tally.attempts, 1);

    const blobs = [...plan.blobs].sort((a, b) => b.size - a.size);
    const placed = new Map<string, Placed>();
    // Every blob settles before the job does: after Ctrl-C a chunk still
    // finishing must be recorded before the run reports and exits.
    const placing = blobs.map(async (blob) =>
      placed.set(blob.digest, await this.place(registry, name, blob, job, tally, progress)),
    );
    const settled = await Promise.allSettled(placing);
    const failed = settled.find((outcome) => outcome.status === "rejected");
    if (failed) throw failed.reason;
    // No manifest names a blob whose check failed: those the registry had, or a run before sent part of, are read here.
    await Promise.all(blobs.map((blob) => blob.checked())).then(() => progress.done());
    if (plan.putIndex)
      return plan.putIndex(tag, (at, doc) => withRetries(this.runner, job, tally, () => putManifest(registry, name, at, doc)));

    const manifest = image.manifest ?? dockerManifest(image, placed);
    const digest = await withRetries(this.runner, job, tally, () => putManifest(registry, name, tag, manifest));
    return digest ?? image.manifest?.digest;
  }

  /** Puts one blob into `name`: found there, mounted from another repository, or uploaded. */
  private async place(
    registry: RegistryConnection,
    name: string,
    blob: BundleBlob,
    job: Job,
    tally: AttemptTally,
    progress: ByteProgress,
  ): Promise<Placed> {
    const known = this.placed.get(blob.digest);
    // A blob whose check failed fails every image that names it, without being read again.
    const elsewhere =
      known && (await known.catch((error: unknown) => (bundleInvalid(error) ? Promise.reject(error) : undefined)));
    if (elsewhere?.repository === name) return this.skip(blob, elsewhere, progress);
    const { runner } = this;
    // The digest of a docker-archive layer gzipped on the way, once a send got to its end.
    let made: { digest: string; size: number } | undefined;
    const placing = withRetries(this.runner, job, tally, async () => {
      let session: string | undefined;
      if (made && (await blobExists(registry, name, made.digest))) {
        // Its answer was lost after the body went: the registry may hold it all the same.
        return this.skip(blob, { repository: name, ...made }, progress);
      }
      if (elsewhere) {
        const mounted = await mountBlob(registry, name, elsewhere.digest, elsewhere.repository);
        if (mounted === "mounted" || mounted === "unconfirmed")
          return this.skip(blob, { ...elsewhere, repository: name }, progress);
        if (mounted === undefined) runner.log.verbose(`${name}: the registry refused to mount ${blob.digest}; uploading it`);
        session = mounted;
      } else if (blob.uploadAsStored) {
        session = await mountRemembered(this.remembered, registry, name, blob);
        const here = { repository: name, digest: blob.digest, size: blob.size };
        if (session === "mounted" || (await blobExists(registry, name, blob.digest))) return this.skip(blob, here, progress);
      }
      const madeAs = (digest: string, size: number) => (made = { digest, size });
      return this.slots.run(blob.size, () => this.upload(registry, name, blob, session, job, progress, madeAs));
    });
    // The first image to need a blob places it; the others, and later runs, mount it from there.
    if (!known) this.placed.set(blob.digest, placing);
    const where = await placing;
    if (blob.uploadAsStored) await this.sessions.placed(this.remembered.host, where.repository, blob.digest);
    return where;
  }

  /** The blob is in `where.repository` already: counted as sent, and a session left open for it there is of no more use. */
  private async skip(blob: BundleBlob, where: Placed, progress: ByteProgress): Promise<Placed> {
    const host = this.runner.options.registry.host;
    if (this.inChunks(blob)) await this.sessions.forget(host, where.repository, blob.digest);
    progress.add(blob.size);
    return where;
  }

  private async upload(
    registry: RegistryConnection,
    name: string,
    blob: BundleBlob,
    session: string | undefined,
    job: Job,
    progress: ByteProgress,
    made: (digest: string, size: number) => void,
  ): Promise<Placed> {
    const { runner, sessions, limits } = this;
    const patience = (bytes: number) => this.patience(job, blob, bytes, progress);
    let opened = session;
    if (this.inChunks(blob)) {
      const chunked = { runner, registry, name, blob, image: job.image, sessions, opened, progress, limits, patience };
      if ((await uploadInChunks(chunked)) === "done") return { repository: name, digest: blob.digest, size: blob.size };
      // The registry refused chunks: the blob goes whole, on a session of its own.
      opened = undefined;
    }
    opened ??= await startUpload(registry, name);
    // A body is opened again when a request is sent again (a token expired on the way).
    if (blob.uploadAsStored) {
      await putWhole(registry, name, opened, blob.digest, blob.size, () => progress.counted(blob.chunks()), patience(blob.size));
      return { repository: name, digest: blob.digest, size: blob.size };
    }
    // A docker-archive layer: gzipped on the way; its digest is known at its end. A failed check ends the body.
    let hashed = new DigestTap();
    const gzipped = () =>
      pipeline(blob.open(), progress.counter(), blockGzipStream(), (hashed = new DigestTap()), () => undefined);
    const streamed = (step: "patch" | "close") => {
      if (step === "close") made(hashed.digest(), hashed.bytes);
      return step === "patch" ? patience(blob.size) : patience(hashed.bytes);
    };
    await putStreamed(registry, name, opened, gzipped, () => hashed.digest(), streamed);
    return { repository: name, digest: hashed.digest(), size: hashed.bytes };
  }

  /** Whether `blob` goes in chunks: large enough, and the registry has not refused chunks this run. */
  private inChunks(blob: BundleBlob): boolean {
    return uploadsInChunks(blob, this.registryType) && !this.limits.whole;
  }

  /**
   * How long a request carrying `bytes` of `blob` may go quiet: --stall-timeout
   * while it sends, longer once all is sent (the registry placing the blob),
   * said on the progress line and with -v.
   */
  private patience(job: Job, blob: BundleBlob, bytes: number, progress: ByteProgress): Patience {
    const idleMs = this.runner.options.stallTimeoutMs;
    const answerMs = answerWaitMs(idleMs, bytes);
    const onWaiting = () => {
      const host = this.runner.options.registry.host;
      const what = `${host} to confirm ${job.image}'s blob ${blob.digest.slice(0, 19)}… (${mebibytes(bytes)}), up to ${waitText(answerMs)}`;
      this.runner.log.verbose(`All sent; waiting for ${what}`);
      return progress.waiting(what);
    };
    return { idleMs, answerMs, onWaiting };
  }
}
