/**
 * What a `docker save` / `podman save` archive needs on its way up: its
 * layers are plain tars, gzipped while they are sent, so each one's digest
 * is known only at its end (DigestTap), and it has no registry manifest, so
 * one is written from the blobs as they were placed (dockerManifest).
 */
import { createHash } from "node:crypto";
import { Transform } from "node:stream";
import type { BundleBlob, BundleImage } from "../bundle/bundle.ts";

const DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
const DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
const DOCKER_GZIP_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip";

/** Where a blob is in the registry, as uploaded (for a layer compressed on the way: its gzip digest and size). */
export interface Placed {
  readonly repository: string;
  readonly digest: string;
  readonly size: number;
}

/** A docker-archive has no manifest: this one names the config and the layers as they were uploaded (gzipped). */
export function dockerManifest(image: BundleImage, placed: ReadonlyMap<string, Placed>) {
  const entry = (blob: BundleBlob, mediaType: string) => {
    const where = placed.get(blob.digest);
    if (!where) throw new Error(`${blob.digest} was not placed`);
    return { mediaType, size: where.size, digest: where.digest };
  };
  const manifest = {
    schemaVersion: 2,
    mediaType: DOCKER_MANIFEST,
    config: entry(image.config, DOCKER_CONFIG),
    layers: image.layers.map((layer) => entry(layer, DOCKER_GZIP_LAYER)),
  };
  const bytes = Buffer.from(JSON.stringify(manifest));
  return { mediaType: DOCKER_MANIFEST, bytes, digest: `sha256:${createHash("sha256").update(bytes).digest("hex")}` };
}

/** The sha256 and length of what passes through. */
export class DigestTap extends Transform {
  private readonly hash = createHash("sha256");
  bytes = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null, data?: Buffer) => void): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }

  digest(): string {
    return `sha256:${this.hash.copy().digest("hex")}`;
  }
}
