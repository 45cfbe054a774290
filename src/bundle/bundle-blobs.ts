/**
 * What the OCI-layout and docker-archive readers share: the tar index,
 * errors that name the bundle (and the part a blob sits in), small JSON
 * members read back by offset and hashed, and one BundleBlob per stored
 * blob. When the index hashed every member (save checking its output),
 * each blob is judged at once; otherwise (--from-archive) while it is read
 * for its upload (blob-check.ts).
 */
import { createHash } from "node:crypto";
import { basename } from "node:path";
import { failure, type PushImagesError } from "../core/errors.ts";
import { BlobCheck, type Judge } from "./blob-check.ts";
import type { BundleBlob } from "./bundle.ts";
import { checkedBlob } from "./checked-blob.ts";
import { blameByChecksums } from "./checksum-file.ts";
import type { PartSource } from "./part-source.ts";
import { unevenPart } from "./split-parts.ts";
import type { TarEntry, TarIndex } from "./tar-index.ts";

/** Manifests, configs and indexes are small; anything larger is not one. */
const JSON_LIMIT = 4 * 1024 * 1024;

export class BundleContents {
  private readonly blobs = new Map<string, BundleBlob>();
  /** Each blob's check, when the index did not hash its bytes (--from-archive): made as it is read. */
  private readonly checks = new Map<string, BlobCheck>();
  /** A split part whose size says it was cut short: blamed in every error, not the part the tar breaks in. */
  private readonly uneven: ReturnType<typeof unevenPart>;

  constructor(
    readonly source: PartSource,
    readonly index: TarIndex,
    /** How messages name the bundle: the file, or its first part. */
    readonly name: string,
    /** Whether each part's `.sha256`, where there is one, may name the part a damaged blob sits in. */
    private readonly checksums = false,
  ) {
    this.uneven = unevenPart(source.parts);
  }

  /** ARCHIVE_INVALID naming the bundle, with the command that checks a copy. */
  invalid(why: string): PushImagesError {
    if (this.uneven)
      return failure(
        "ARCHIVE_INVALID",
        `${this.name} ${why}; ${this.uneven.why}`,
        `copy ${basename(this.uneven.file)} again from the original, then check every part: sha256sum -c ` +
          `${basename(this.uneven.file).replace(/\.\d+$/, "")}.*.sha256`,
      );
    const file = this.source.parts[0]?.file ?? this.name;
    const check =
      this.source.parts.length > 1
        ? `sha256sum -c ${basename(file).replace(/\.\d+$/, "")}.*.sha256`
        : `sha256sum -c ${basename(file)}.sha256`;
    return failure(
      "ARCHIVE_INVALID",
      `${this.name} ${why}`,
      `copy the bundle again from the original and check the copy (${check}), or make it again with push-images save`,
    );
  }

  /** The member, or an error saying it is missing (because the bundle is cut short, when it is). */
  member(path: string, what: string): TarEntry {
    const entry = this.index.entries.get(path);
    if (entry?.kind === "file") return entry;
    throw this.invalid(`${this.cutShort()}lacks ${what}`);
  }

  /**
   * " (in FILE.002)" for a split bundle, or " (in FILE.002 and FILE.003)"
   * for a blob that spans parts: without their .sha256 files, a damaged
   * byte could be in any of them, not only where the blob starts.
   */
  where(entry: TarEntry): string {
    if (this.source.parts.length <= 1) return "";
    const first = this.source.partAt(entry.offset);
    const last = this.source.partAt(entry.offset + Math.max(entry.size - 1, 0));
    const name = (part: typeof first) => basename(part?.file ?? "");
    if (first === last) return ` (in ${name(first)})`;
    const span =
      this.source.parts.indexOf(last as NonNullable<typeof last>) - this.source.parts.indexOf(first as NonNullable<typeof first>);
    return ` (in ${name(first)} ${span > 1 ? "..." : "and"} ${name(last)})`;
  }

  cutShort(): string {
    if (this.index.cutIn !== undefined) {
      const last = this.source.parts.at(-1)?.file ?? "";
      const more = this.source.parts.length > 1 ? `, or the parts after ${basename(last)} are missing` : "";
      return `is cut short (it ends inside ${this.index.cutIn}${more}): it `;
    }
    return "";
  }

  /** A small member parsed, with its bytes and their sha256 (`sha256:<hex>`). */
  async json<T>(entry: TarEntry, what: string): Promise<{ value: T; bytes: Buffer; digest: string }> {
    if (entry.size > JSON_LIMIT) throw this.invalid(`has ${what} of ${entry.size} bytes: not a JSON document of an image`);
    const bytes = await this.source.read(entry.offset, entry.size);
    const digest = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
    try {
      return { value: JSON.parse(bytes.toString("utf8")) as T, bytes, digest };
    } catch {
      throw this.invalid(`has ${what} that is not valid JSON`);
    }
  }

  /** The digest a member's path names (`blobs/sha256/<hex>`), checked when it is read for its upload. */
  claimedDigest(entry: TarEntry): string | undefined {
    const named = /^blobs\/sha256\/([0-9a-f]{64})$/.exec(entry.path)?.[1];
    return named === undefined ? undefined : `sha256:${named}`;
  }

  /**
   * One BundleBlob per member, however many images share it. `judge` says
   * what is wrong with its bytes, if anything, once the blob has been read
   * (`inflate`: a gzip layer, unpacked beside the read to learn its diff_id).
   */
  blob(entry: TarEntry, described: Pick<BundleBlob, "digest" | "mediaType" | "uploadAsStored">, judge: Judge, inflate = false) {
    const key = `${entry.offset}`;
    const readAt = (start: number, length: number, into: Buffer) => this.source.read(entry.offset + start, length, into);
    const check = (this.checks.get(key) ?? new BlobCheck(entry.size, inflate, readAt)).judgedBy(
      async (read) => this.blamed(judge(read), entry),
      inflate,
    );
    this.checks.set(key, check);
    let blob = this.blobs.get(key);
    if (!blob) {
      blob = checkedBlob(this.source, entry, described, check);
      this.blobs.set(key, blob);
    }
    return blob;
  }

  /**
   * `error`, or the error of a part (of those `entry` spans, or of all)
   * that differs from its `.sha256`: a damaged copy is best named by the
   * file that differs. The parts are hashed only here, once something is wrong.
   */
  async blamed<T extends PushImagesError | undefined>(error: T, entry?: TarEntry): Promise<T | PushImagesError> {
    if (!error || !this.checksums) return error;
    const { parts } = this.source;
    const first = entry ? parts.indexOf(this.source.partAt(entry.offset) as (typeof parts)[number]) : 0;
    const last = entry
      ? parts.indexOf(this.source.partAt(entry.offset + Math.max(entry.size - 1, 0)) as (typeof parts)[number])
      : -1;
    const spanned = entry ? parts.slice(first, last + 1) : parts;
    return (await blameByChecksums(spanned.map((part) => part.file))) ?? error;
  }

  /** Sum of the stored sizes of the distinct blobs handed out. */
  blobBytes(): number {
    return [...this.blobs.values()].reduce((total, blob) => total + blob.size, 0);
  }
}

/** `localhost/` and `docker.io/` are what podman and docker put before a name with no registry. */
export function shortReference(reference: string): string {
  return reference.replace(/^(localhost|docker\.io)\//, "");
}
