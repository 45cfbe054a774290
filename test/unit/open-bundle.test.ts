/**
 * openBundle on small bundles made here: every blob streamed back from its
 * offset (across split parts too) and checked as it is read, and a
 * damaged, truncated or incomplete bundle refused with ARCHIVE_INVALID
 * naming the blob and the image, or the part: up front when the tar or a
 * manifest or config is wrong, at the blob's end when a layer is.
 */
import { createHash } from "node:crypto";
import { readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { openBundle } from "../../src/bundle/open-bundle.ts";
import { bundleRefusal, dockerArchive, ociBundle, quietLog, readAll, scratchDir, sha256, splitFile } from "./bundle-fixtures.ts";

const REFS = ["apim/apim-le-cache:v6.0.0", "apim/apim-le-toolkit:v6.0.0"];
const open = (file: string) => openBundle(file, { log: quietLog });

/** Opens the bundle and sends every blob as an upload would (its chunks, then its verdict): the first refusal. */
const refusal = (file: string) =>
  bundleRefusal(
    open(file).then(async (bundle) => {
      for (const blob of bundle.images.flatMap((image) => [image.config, ...image.layers])) {
        await readAll(blob.chunks());
        await blob.checked();
      }
    }),
  );

/** The file with one byte flipped inside `blob` (found by its content). */
function flipByteOf(file: string, blob: Buffer): void {
  const bytes = readFileSync(file);
  const at = bytes.indexOf(blob) + Math.floor(blob.length / 2);
  bytes[at] = (bytes[at] as number) ^ 0xff;
  writeFileSync(file, bytes);
}

describe("an OCI layout bundle", () => {
  it("names each image by its ref.name; blobs shared by images are one blob, streamed from their offsets", async () => {
    const { file, images, blobs } = await ociBundle(scratchDir(), REFS);
    const bundle = await open(file);
    expect(bundle.files).toEqual([file]);
    expect(bundle.images.map((image) => [image.reference, image.id])).toEqual(images.map((image) => [image.reference, image.id]));
    const [first, second] = bundle.images;
    expect(first?.layers[0]).toBe(second?.layers[0]);
    // Configs and layers, each once; manifests are not blobs to upload.
    const manifests = new Set(images.map((image) => image.manifestDigest));
    expect(bundle.blobBytes).toBe(
      [...blobs].filter(([digest]) => !manifests.has(digest)).reduce((total, [, blob]) => total + blob.length, 0),
    );
    for (const image of bundle.images) {
      expect(image.manifest?.digest).toBe(images.find((fixture) => fixture.reference === image.reference)?.manifestDigest);
      expect(sha256(image.manifest?.bytes ?? Buffer.alloc(0))).toBe(image.manifest?.digest);
      for (const blob of [image.config, ...image.layers]) {
        expect(blob.uploadAsStored).toBe(true);
        expect(await readAll(blob.open())).toEqual(blobs.get(blob.digest));
      }
    }
  });

  it("refuses a flipped byte in a layer, naming the blob and the image", async () => {
    const { file, images } = await ociBundle(scratchDir(), REFS);
    const own = images[1]?.layers[1] as Buffer;
    flipByteOf(file, own);
    const error = await refusal(file);
    expect(error.message).toContain(sha256(own));
    expect(error.message).toContain(REFS[1]);
    expect(error.message).toMatch(/damaged/);
  });

  it("refuses a gzip layer that does not unpack to its config's diff_id, naming the layer and the image", async () => {
    const { file, images } = await ociBundle(scratchDir(), REFS, 3000, { wrongDiffId: true });
    const error = await refusal(file);
    const own = sha256(images[1]?.layers[1] ?? Buffer.alloc(0));
    expect(error.message).toContain(`layer 2 (${own}) of ${REFS[1]} that does not match its config`);
  });

  it("refuses a layer whose media type says gzip but whose bytes are not", async () => {
    const plain = Buffer.from("a plain tar, not gzip".repeat(100));
    const edit = (root: string) => {
      const index = JSON.parse(readFileSync(join(root, "index.json"), "utf8"));
      const manifestFile = join(root, "blobs", "sha256", index.manifests[0].digest.slice(7));
      const manifest = JSON.parse(readFileSync(manifestFile, "utf8"));
      manifest.layers[1] = { ...manifest.layers[1], digest: sha256(plain), size: plain.length };
      writeFileSync(join(root, "blobs", "sha256", sha256(plain).slice(7)), plain);
      const bytes = Buffer.from(JSON.stringify(manifest));
      writeFileSync(join(root, "blobs", "sha256", sha256(bytes).slice(7)), bytes);
      index.manifests[0] = { ...index.manifests[0], digest: sha256(bytes), size: bytes.length };
      writeFileSync(join(root, "index.json"), JSON.stringify(index));
    };
    const { file } = await ociBundle(scratchDir(), REFS, 3000, { edit });
    expect((await refusal(file)).message).toContain("it is not gzip, as its media type says");
  });

  it("refuses a truncated file, saying it is cut short and what it lacks", async () => {
    const { file, images } = await ociBundle(scratchDir(), REFS);
    const bytes = readFileSync(file);
    const last = images[1]?.layers[1] as Buffer;
    truncateSync(file, bytes.indexOf(last) + 100);
    const error = await refusal(file);
    // node-tar stores blobs in name order, so which image's blob is missing first depends on the digests.
    expect(error.message).toMatch(
      /cut short \(it ends inside blobs\/sha256\/[0-9a-f]{64}\): it lacks blob sha256:[0-9a-f]{64}, .* of apim\/apim-le-(cache|toolkit):v6\.0\.0/,
    );
  });

  it("refuses a file that differs from its .sha256", async () => {
    const { file, images } = await ociBundle(scratchDir(), REFS);
    writeFileSync(`${file}.sha256`, `${createHash("sha256").update(readFileSync(file)).digest("hex")}  ${basename(file)}\n`);
    await expect(open(file)).resolves.toBeDefined();
    flipByteOf(file, images[0]?.layers[0] as Buffer);
    expect((await refusal(file)).message).toMatch(/does not match .*bundle\.tar\.sha256/);
  });

  it("refuses what is not a tar of images", async () => {
    const file = `${scratchDir()}/notes.txt`;
    writeFileSync(file, "x".repeat(2000));
    expect((await refusal(file)).message).toMatch(/not a tar archive of images/);
  });
});

describe("a split bundle", () => {
  it("reads FILE.000... back as one, from FILE or FILE.000, blobs streamed across part boundaries", async () => {
    const { file, blobs } = await ociBundle(scratchDir(), REFS);
    const whole = readFileSync(file);
    const parts = splitFile(file, 1500);
    rmSync(file);
    expect(parts.length).toBeGreaterThan(4);
    for (const name of [file, parts[0] as string]) {
      const bundle = await open(name);
      expect(bundle.files).toEqual(parts);
      expect(bundle.images.map((image) => image.reference)).toEqual(REFS);
      for (const blob of bundle.images.flatMap((image) => [image.config, ...image.layers]))
        expect(await readAll(blob.open())).toEqual(blobs.get(blob.digest));
    }
    expect(Buffer.concat(parts.map((part) => readFileSync(part)))).toEqual(whole);
  });

  it("names a missing part, and the fix", async () => {
    const { file } = await ociBundle(scratchDir(), REFS);
    const parts = splitFile(file, 1500);
    rmSync(file);
    rmSync(parts[2] as string);
    const error = await refusal(parts[0] as string);
    expect(error.message).toMatch(/part bundle\.tar\.002 of the split bundle bundle\.tar is missing/);
    expect(error.hint).toMatch(/copy bundle\.tar\.002 from the original/);
  });

  it("a missing last part: cut short, with the parts after the last one named as the likely cause", async () => {
    const { file } = await ociBundle(scratchDir(), REFS);
    const parts = splitFile(file, 1500);
    rmSync(file);
    rmSync(parts.at(-2) as string);
    rmSync(parts.at(-1) as string);
    expect((await refusal(file)).message).toMatch(/cut short .*the parts after bundle\.tar\.\d{3} are missing/);
  });

  it("names a damaged part by its .sha256, and a damaged blob by the part it sits in", async () => {
    const { file, images } = await ociBundle(scratchDir(), REFS);
    // The sums of the original's parts, as save wrote them.
    const sums = splitFile(file, 1500).map((part) => createHash("sha256").update(readFileSync(part)).digest("hex"));
    const layer = images[0]?.layers[1] as Buffer;
    flipByteOf(file, layer);
    const parts = splitFile(file, 1500);
    rmSync(file);
    expect((await refusal(file)).message).toMatch(
      new RegExp(`damaged blob ${sha256(layer)}.* \\(in bundle\\.tar\\.\\d{3}( (and|\\.\\.\\.) bundle\\.tar\\.\\d{3})?\\)`),
    );
    for (const [i, part] of parts.entries()) writeFileSync(`${part}.sha256`, `${sums[i]}  ${basename(part)}\n`);
    const damaged = parts.find((part, i) => createHash("sha256").update(readFileSync(part)).digest("hex") !== sums[i]);
    expect((await refusal(file)).message).toContain(`${damaged} does not match ${damaged}.sha256`);
  });

  it("a part cut short in copying is named, not the part after it where the tar breaks; by its .sha256 too", async () => {
    const { file } = await ociBundle(scratchDir(), REFS);
    const parts = splitFile(file, 2048);
    rmSync(file);
    const sums = parts.map((part) => createHash("sha256").update(readFileSync(part)).digest("hex"));
    truncateSync(parts[0] as string, 1900);
    const error = await refusal(file);
    expect(error.message).toContain("bundle.tar.000 is 1900 bytes, shorter than bundle.tar.001 (2048 bytes)");
    expect(error.hint).toMatch(/^copy bundle\.tar\.000 again from the original/);
    for (const [i, part] of parts.entries()) writeFileSync(`${part}.sha256`, `${sums[i]}  ${basename(part)}\n`);
    expect((await refusal(file)).message).toContain(`${parts[0]} does not match ${parts[0]}.sha256`);
  });

  it("a damaged blob that spans parts names every part it sits in, not only the first", async () => {
    const { file, images } = await ociBundle(scratchDir(), REFS, 6000);
    const layer = images[0]?.layers[1] as Buffer;
    const bytes = readFileSync(file);
    const start = bytes.indexOf(layer);
    // Parts that cut the layer in two; the byte flipped in the second half.
    const size = Math.ceil((start + layer.length / 2) / 512) * 512;
    bytes[start + layer.length - 10] = (bytes[start + layer.length - 10] as number) ^ 0xff;
    writeFileSync(file, bytes);
    splitFile(file, size);
    rmSync(file);
    expect((await refusal(file)).message).toMatch(/damaged blob .* \(in bundle\.tar\.000 and bundle\.tar\.001\)/);
  });
});

describe("a docker-archive", () => {
  it("reads docker save output: plain layers checked against diff_ids, to be compressed on upload, no manifest", async () => {
    const { file, images } = await dockerArchive(scratchDir(), ["docker.io/apim/a:v1", "localhost/apim/b:v1"]);
    const bundle = await open(file);
    expect(bundle.images.map((image) => [image.reference, image.id])).toEqual([
      ["apim/a:v1", images[0]?.id],
      ["apim/b:v1", images[1]?.id],
    ]);
    for (const [i, image] of bundle.images.entries()) {
      expect(image.manifest).toBeUndefined();
      expect(image.layers.map((layer) => layer.uploadAsStored)).toEqual([false, false]);
      expect(await readAll(image.layers[1]?.open() as AsyncIterable<Buffer>)).toEqual(images[i]?.layers[1]);
    }
    expect(bundle.images[0]?.layers[0]).toBe(bundle.images[1]?.layers[0]);
  });

  it("refuses a layer whose bytes do not match its diff_id, naming the image", async () => {
    const { file, images } = await dockerArchive(scratchDir(), ["apim/a:v1", "apim/b:v1"]);
    flipByteOf(file, images[1]?.layers[1] as Buffer);
    expect((await refusal(file)).message).toMatch(/damaged layer .* of apim\/b:v1/);
  });

  it("reads a gzipped one, checked against the .sha256 of the gzip file", async () => {
    const { file, images } = await dockerArchive(scratchDir(), ["apim/a:v1"]);
    const gz = `${file}.gz`;
    writeFileSync(gz, gzipSync(readFileSync(file)));
    writeFileSync(`${gz}.sha256`, `${createHash("sha256").update(readFileSync(gz)).digest("hex")}  ${basename(gz)}\n`);
    const bundle = await openBundle(gz, { log: quietLog, tempDir: scratchDir() });
    expect(bundle.images.map((image) => image.id)).toEqual([images[0]?.id]);
  });
});
