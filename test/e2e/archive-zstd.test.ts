/**
 * A bundle whose layers are zstd (`skopeo copy --dest-compress-format zstd
 * ... oci-archive:`): --from-archive sends the layers as they are and, as
 * with gzip, checks each against its config's diff_ids as it sends it (the
 * binary's Node.js has zstd). Before, a zstd layer went up unchecked. A zstd
 * layer its config does not list, or gzip bytes under a zstd media type,
 * is refused: ARCHIVE_INVALID, and no manifest at the registry.
 */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { run } from "../bed/run.ts";
import { manifestPuts, requestsUnder } from "./helpers/access-log.ts";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { runCli } from "./helpers/cli.ts";
import { enginelessPath } from "./helpers/engineless.ts";
import { EXIT, expectError, expectSuccess } from "./helpers/expect-cli.ts";
import { expectPushed } from "./helpers/expect-registry.ts";
import { testDir } from "./helpers/local-tools.ts";

const bed = useBed();
const { plain } = bed.registries;
const IMAGE = "apim-le-cache";
const { path: PATH, tag: TAG } = bed.images.defaults;
const ID = bed.images.defaults.podmanIds[IMAGE] ?? "";
let archive = "";
let unpacked = "";

const sha256 = (bytes: Buffer) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
const blobFile = (root: string, digest: string) => join(root, "blobs", "sha256", digest.slice(7));

beforeAll(async () => {
  archive = join(testDir(), "zstd.tar");
  const source = `containers-storage:${ID.slice("sha256:".length)}`;
  const target = `oci-archive:${archive}:${PATH}/${IMAGE}:${TAG}`;
  await run("skopeo", ["copy", "--dest-compress", "--dest-compress-format", "zstd", source, target], {
    // The bed's storage, with the PATH that has skopeo (the bed's own PATH holds only what the tool may use).
    env: { ...process.env, ...bed.env, PATH: process.env.PATH ?? "" },
  });
  unpacked = join(testDir(), "unpacked");
  await run("mkdir", [unpacked]);
  await run("tar", ["-xf", archive, "-C", unpacked]);
}, 60_000);

/** The archive with its first layer replaced by `bytes`, every digest made to match; packed again by GNU tar. */
async function withLayer(bytes: Buffer): Promise<string> {
  const root = join(testDir(), "copy");
  await run("cp", ["-a", unpacked, root]);
  const index = JSON.parse(readFileSync(join(root, "index.json"), "utf8"));
  const manifest = JSON.parse(readFileSync(blobFile(root, index.manifests[0].digest), "utf8"));
  writeFileSync(blobFile(root, sha256(bytes)), bytes);
  manifest.layers[0] = { ...manifest.layers[0], digest: sha256(bytes), size: bytes.length };
  const manifestBytes = Buffer.from(JSON.stringify(manifest));
  writeFileSync(blobFile(root, sha256(manifestBytes)), manifestBytes);
  index.manifests[0] = { ...index.manifests[0], digest: sha256(manifestBytes), size: manifestBytes.length };
  writeFileSync(join(root, "index.json"), JSON.stringify(index));
  const file = join(testDir(), "changed.tar");
  await run("tar", ["-cf", file, "-C", root, "."]);
  return file;
}

function fromArchive(file: string, path: string) {
  return runCli(["--from-archive", file, "-r", `${plain.host}/${path}`, "-t", "-i", IMAGE], { env: { PATH: enginelessPath() } });
}

describe("--from-archive of zstd layers", () => {
  it("pushes them as they are (zstd, as the archive holds them): the image id kept", async () => {
    const layers = JSON.parse(
      readFileSync(
        blobFile(unpacked, JSON.parse(readFileSync(join(unpacked, "index.json"), "utf8")).manifests[0].digest),
        "utf8",
      ),
    ).layers as Array<{ mediaType: string }>;
    expect(layers.map((layer) => layer.mediaType)).toEqual(layers.map(() => "application/vnd.oci.image.layer.v1.tar+zstd"));
    const path = uniqueName();
    expectSuccess(await fromArchive(archive, path));
    await expectPushed(plain, path, TAG, { [IMAGE]: ID });
  });

  it.each([
    [
      "a zstd layer its config does not list",
      "zstd",
      /that does not match its config: it unpacks to sha256:[0-9a-f]{64}, the config's diff_ids say sha256:/,
    ],
    ["gzip bytes under the zstd media type", "gzip", /that does not unpack: it is not zstd, as its media type says/],
  ] as const)("%s: ARCHIVE_INVALID as it is sent, no manifest", async (_, compression, message) => {
    const content = Buffer.from("a layer the config does not list\n".repeat(1000));
    const bytes = compression === "gzip" ? gzipSync(content) : await zstd(content);
    const file = await withLayer(bytes);
    const path = uniqueName();
    const error = expectError(await fromArchive(file, path), EXIT.failed, "ARCHIVE_INVALID");
    expect(error).toMatch(message);
    expect(manifestPuts(requestsUnder(plain, path)), "manifests pushed").toEqual([]);
  });
});

/** `content` compressed by the zstd command (the tests' Node.js 20 has no zstd). */
async function zstd(content: Buffer): Promise<Buffer> {
  const file = join(testDir(), "content");
  writeFileSync(file, content);
  await run("zstd", ["-q", "-f", file, "-o", `${file}.zst`]);
  return readFileSync(`${file}.zst`);
}
