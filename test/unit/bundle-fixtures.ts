/**
 * Small bundles made in the test with node-tar (not with push-images' own
 * writer, so the reader is judged against an independent tar): an OCI
 * layout with gzip layers, and a docker-archive with plain layer tars.
 */
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { c as createTar } from "tar";
import { afterAll, expect } from "vitest";
import { PushImagesError } from "../../src/core/errors.ts";
import { createLogger } from "../../src/core/logger.ts";

export const quietLog = createLogger({ quiet: true, verbose: false, write: () => undefined });

export const sha256 = (bytes: Buffer | string) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;

const made: string[] = [];

/** A directory of the test's own, removed after the file's tests (afterAll). */
export function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "bundle-unit-"));
  made.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Bytes that do not compress, so blobs are of a known, useful size. */
export function noise(size: number, seed: number): Buffer {
  const out = Buffer.alloc(size);
  for (let i = 0, x = seed * 2654435761; i < size; i++) out[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
  return out;
}

export interface FixtureImage {
  reference: string;
  id: string;
  manifestDigest?: string;
  layers: Buffer[];
}

/** What a bundle `save` writes holds besides the layout, and a last edit before it is tarred. */
export interface BundleExtras {
  /** docker's manifest.json and push-images-index.json, as save writes them. */
  readonly asSaved?: boolean;
  /** The second image's config lists another layer's diff_id for its own layer: a layer that does not match its config. */
  readonly wrongDiffId?: boolean;
  /** Changes the layout's files (in `root`) before the tar is made: a tampered copy. */
  readonly edit?: (root: string) => void;
}

/** An OCI layout tar of images that share their first layer; returns the file and what it holds. */
export async function ociBundle(
  dir: string,
  references: string[],
  layerSize = 3000,
  extras: BundleExtras = {},
): Promise<{ file: string; images: FixtureImage[]; blobs: Map<string, Buffer> }> {
  const root = join(dir, "layout");
  mkdirSync(join(root, "blobs", "sha256"), { recursive: true });
  const blobs = new Map<string, Buffer>();
  const put = (bytes: Buffer) => {
    const digest = sha256(bytes);
    blobs.set(digest, bytes);
    writeFileSync(join(root, "blobs", "sha256", digest.slice(7)), bytes);
    return { digest, size: bytes.length };
  };
  const sharedPlain = noise(layerSize, 1);
  const shared = gzipSync(sharedPlain);
  const images: FixtureImage[] = [];
  const dockerManifest: object[] = [];
  const manifests = references.map((reference, i) => {
    const ownPlain = noise(layerSize, i + 2);
    const own = gzipSync(ownPlain);
    const layers = [shared, own];
    const diffIds = [sharedPlain, extras.wrongDiffId && i === 1 ? noise(layerSize, 99) : ownPlain].map((plain) => sha256(plain));
    const config = put(
      Buffer.from(JSON.stringify({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: diffIds }, n: i })),
    );
    const layerDescriptors = layers.map((layer) => ({ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", ...put(layer) }));
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        config: { mediaType: "application/vnd.oci.image.config.v1+json", ...config },
        layers: layerDescriptors,
      }),
    );
    const descriptor = put(manifest);
    images.push({ reference, id: config.digest, manifestDigest: descriptor.digest, layers });
    const path = (digest: string) => `blobs/sha256/${digest.slice(7)}`;
    dockerManifest.push({
      Config: path(config.digest),
      RepoTags: [reference],
      Layers: layerDescriptors.map((d) => path(d.digest)),
    });
    return {
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      ...descriptor,
      annotations: { "org.opencontainers.image.ref.name": reference },
    };
  });
  writeFileSync(join(root, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  writeFileSync(join(root, "index.json"), JSON.stringify({ schemaVersion: 2, manifests }));
  const members = ["oci-layout", "index.json", "blobs"];
  if (extras.asSaved) {
    writeFileSync(join(root, "manifest.json"), JSON.stringify(dockerManifest));
    const own = images.map((image) => ({
      image: image.reference.replace(/^.*\/|:.*$/g, ""),
      reference: image.reference,
      id: image.id,
      manifest: image.manifestDigest,
    }));
    writeFileSync(join(root, "push-images-index.json"), JSON.stringify({ writer: "test", created: "", images: own }));
    members.splice(2, 0, "manifest.json", "push-images-index.json");
  }
  extras.edit?.(root);
  const file = join(dir, "bundle.tar");
  await createTar({ file, cwd: root, portable: true }, members);
  return { file, images, blobs };
}

/** A docker-archive as `docker save` writes it: `<id>.json` configs, `<n>/layer.tar` plain layers, manifest.json. */
export async function dockerArchive(dir: string, references: string[]): Promise<{ file: string; images: FixtureImage[] }> {
  const root = join(dir, "archive");
  mkdirSync(root, { recursive: true });
  const shared = noise(2048, 7);
  const images: FixtureImage[] = [];
  const manifest = references.map((reference, i) => {
    const layers = [shared, noise(1024, 20 + i)];
    const paths = layers.map((layer) => {
      const name = sha256(layer).slice(7);
      mkdirSync(join(root, name), { recursive: true });
      writeFileSync(join(root, name, "layer.tar"), layer);
      return `${name}/layer.tar`;
    });
    const config = Buffer.from(
      JSON.stringify({ rootfs: { type: "layers", diff_ids: layers.map((layer) => sha256(layer)) }, n: i }),
    );
    const id = sha256(config);
    writeFileSync(join(root, `${id.slice(7)}.json`), config);
    images.push({ reference, id, layers });
    return { Config: `${id.slice(7)}.json`, RepoTags: [reference], Layers: paths };
  });
  writeFileSync(join(root, "manifest.json"), JSON.stringify(manifest));
  const file = join(dir, "docker.tar");
  await createTar({ file, cwd: root, portable: true }, ["."]);
  return { file, images };
}

/** Splits `file` into `file.000`, `file.001`, ... of `size` bytes, as `split -b` would; returns the part names. */
export function splitFile(file: string, size: number): string[] {
  const bytes = readFileSync(file);
  const parts: string[] = [];
  for (let at = 0; at < bytes.length; at += size) {
    const part = `${file}.${String(parts.length).padStart(3, "0")}`;
    writeFileSync(part, bytes.subarray(at, at + size));
    parts.push(part);
  }
  return parts;
}

export async function readAll(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** The ARCHIVE_INVALID error `opening` is refused with, its hint a command that checks or remakes the bundle. */
export async function bundleRefusal(opening: Promise<unknown>): Promise<PushImagesError> {
  const error = await opening.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(PushImagesError);
  expect((error as PushImagesError).code).toBe("ARCHIVE_INVALID");
  expect((error as PushImagesError).hint).toMatch(/sha256sum -c|ls -l|gzip -t|push-images save/);
  return error as PushImagesError;
}
