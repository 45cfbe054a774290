/**
 * A small multi-platform OCI archive, written here with node-tar as
 * `skopeo copy --all ... oci-archive:` lays it out: index.json names one
 * index (nested), which names an amd64 and an arm64 image of one random
 * gzip layer each. For runs with no podman at hand (the arm64 binary
 * under qemu).
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { c as createTar } from "tar";

const sha256 = (bytes: Buffer) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;

export interface IndexArchive {
  readonly file: string;
  /** Image ids (config digests) by architecture. */
  readonly ids: Record<"amd64" | "arm64", string>;
  readonly indexDigest: string;
}

/** Writes `<reference>` (e.g. `apim/apim-le-cache:v6.0.0`) as a multi-platform OCI archive. */
export async function ociIndexArchive(reference: string): Promise<IndexArchive> {
  const dir = mkdtempSync(join(tmpdir(), "pib-index-"));
  const layout = join(dir, "layout");
  mkdirSync(join(layout, "blobs", "sha256"), { recursive: true });
  const put = (value: Buffer | object) => {
    const bytes = Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value));
    const digest = sha256(bytes);
    writeFileSync(join(layout, "blobs", "sha256", digest.slice("sha256:".length)), bytes);
    return { digest, size: bytes.length };
  };
  const ids: Record<string, string> = {};
  const manifests = (["amd64", "arm64"] as const).map((architecture) => {
    const raw = randomBytes(512);
    const layer = put(gzipSync(raw));
    const config = put({ architecture, os: "linux", rootfs: { type: "layers", diff_ids: [sha256(raw)] }, config: {} });
    ids[architecture] = config.digest;
    const manifest = put({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: { mediaType: "application/vnd.oci.image.config.v1+json", ...config },
      layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", ...layer }],
    });
    return { mediaType: "application/vnd.oci.image.manifest.v1+json", ...manifest, platform: { architecture, os: "linux" } };
  });
  const index = put({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests });
  const annotations = { "org.opencontainers.image.ref.name": reference };
  writeFileSync(
    join(layout, "index.json"),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: "application/vnd.oci.image.index.v1+json", ...index, annotations }],
    }),
  );
  writeFileSync(join(layout, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  const file = join(dir, "multi.tar");
  await createTar({ file, cwd: layout, portable: true }, ["oci-layout", "index.json", "blobs"]);
  return { file, ids: ids as IndexArchive["ids"], indexDigest: index.digest };
}
