import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { findStoredImages } from "../../src/bundle/stored-images.ts";
import { layerFromTarSplit, StorageReadError } from "../../src/bundle/tar-split.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), "tar-split-"));
  dirs.push(dir);
  return dir;
}

type Line = { type: 2; bytes: Buffer } | { type: 1; name: string; size: number; raw?: boolean };

function writeTarSplit(file: string, lines: Line[]): void {
  const json = lines.map((line) =>
    line.type === 2
      ? JSON.stringify({ type: 2, payload: line.bytes.toString("base64") })
      : JSON.stringify(
          line.raw
            ? { type: 1, name_raw: Buffer.from(line.name, "latin1").toString("base64"), size: line.size }
            : { type: 1, name: line.name, size: line.size },
        ),
  );
  writeFileSync(file, gzipSync(`${json.join("\n")}\n`));
}

async function rebuilt(tarSplit: string, diffDir: string): Promise<Buffer> {
  const pieces: Buffer[] = [];
  // Copied: a piece is valid only until the next is asked for.
  for await (const piece of layerFromTarSplit(tarSplit, diffDir)) pieces.push(Buffer.from(piece));
  return Buffer.concat(pieces);
}

describe("layerFromTarSplit", () => {
  it("interleaves the segments with the files' contents, small and large, in order", async () => {
    const dir = scratch();
    const diff = join(dir, "diff");
    mkdirSync(join(diff, "usr"), { recursive: true });
    const small = randomBytes(1000);
    const large = randomBytes(3 * 1024 * 1024 + 17);
    writeFileSync(join(diff, "usr", "small"), small);
    writeFileSync(join(diff, "large"), large);
    const [a, b, c] = [randomBytes(512), randomBytes(1536), randomBytes(1024)] as [Buffer, Buffer, Buffer];
    writeTarSplit(join(dir, "l.tar-split.gz"), [
      { type: 2, bytes: a },
      { type: 1, name: "./usr/small", size: small.length },
      { type: 1, name: "usr/", size: 0 },
      { type: 2, bytes: b },
      { type: 1, name: "large", size: large.length },
      { type: 1, name: ".wh.gone", size: 0 },
      { type: 2, bytes: c },
    ]);
    expect((await rebuilt(join(dir, "l.tar-split.gz"), diff)).equals(Buffer.concat([a, small, b, large, c]))).toBe(true);
  });

  it("reads a name that is not UTF-8 by its bytes", async () => {
    const dir = scratch();
    const diff = join(dir, "diff");
    mkdirSync(diff);
    const name = Buffer.from([0x66, 0xe9]); // "f" and a Latin-1 e-acute: not UTF-8
    writeFileSync(Buffer.concat([Buffer.from(`${diff}/`), name]), "content");
    writeTarSplit(join(dir, "l.tar-split.gz"), [{ type: 1, name: name.toString("latin1"), size: 7, raw: true }]);
    expect((await rebuilt(join(dir, "l.tar-split.gz"), diff)).toString()).toBe("content");
  });

  it.each([
    ["a name climbing out of the layer", { type: 1, name: "../outside", size: 3 }, /outside it: \.\.\/outside/],
    [
      "a file shorter than the layer says",
      { type: 1, name: "short", size: 10 },
      /short is shorter than its layer says \(4 of 10 bytes\)/,
    ],
    ["a file that is not there", { type: 1, name: "absent", size: 10 }, /absent: ENOENT/],
  ] as const)("refuses %s with StorageReadError", async (_, line, message) => {
    const dir = scratch();
    const diff = join(dir, "diff");
    mkdirSync(diff);
    writeFileSync(join(diff, "short"), "four");
    writeFileSync(join(dir, "outside"), "out");
    writeTarSplit(join(dir, "l.tar-split.gz"), [line]);
    const reading = rebuilt(join(dir, "l.tar-split.gz"), diff);
    await expect(reading).rejects.toThrow(StorageReadError);
    await expect(reading).rejects.toThrow(message);
  });
});

describe("layerFromTarSplit's tar-split", () => {
  it.each([
    ["not gzip", Buffer.from("plain text"), /incorrect header check/],
    ["gzip of lines that are not JSON", gzipSync("{ not json\n"), /JSON/],
  ])("%s: StorageReadError naming it", async (_, bytes, message) => {
    const dir = scratch();
    writeFileSync(join(dir, "l.tar-split.gz"), bytes);
    const reading = rebuilt(join(dir, "l.tar-split.gz"), dir);
    await expect(reading).rejects.toThrow(StorageReadError);
    await expect(reading).rejects.toThrow(message);
  });

  it("gone: StorageReadError, not an unhandled stream error", async () => {
    const reading = rebuilt(join(scratch(), "gone.tar-split.gz"), scratch());
    await expect(reading).rejects.toThrow(StorageReadError);
    await expect(reading).rejects.toThrow(/ENOENT/);
  });
});

describe("findStoredImages", () => {
  const id = `sha256:${"a".repeat(64)}`;

  function store(layers: Array<{ id: string; parent?: string; tarSplit?: boolean }>): string {
    const root = scratch();
    const hex = id.slice(7);
    mkdirSync(join(root, "overlay-images", hex), { recursive: true });
    mkdirSync(join(root, "overlay-layers"), { recursive: true });
    writeFileSync(
      join(root, "overlay-images", "images.json"),
      JSON.stringify([{ id: hex, layer: layers.at(-1)?.id, "big-data-names": [id] }]),
    );
    writeFileSync(join(root, "overlay-images", hex, `=${Buffer.from(id).toString("base64")}`), "{}");
    writeFileSync(join(root, "overlay-layers", "layers.json"), JSON.stringify(layers));
    for (const layer of layers) {
      mkdirSync(join(root, "overlay", layer.id, "diff"), { recursive: true });
      if (layer.tarSplit !== false) writeFileSync(join(root, "overlay-layers", `${layer.id}.tar-split.gz`), gzipSync(""));
    }
    return root;
  }

  it("gives each image's config and its layers base first", async () => {
    const root = store([{ id: "base" }, { id: "top", parent: "base" }]);
    const found = await findStoredImages({ graphRoot: root, driver: "overlay" }, [id]);
    expect(found).toEqual({
      images: [
        {
          id,
          config: Buffer.from("{}"),
          layers: ["base", "top"].map((layer) => ({
            id: layer,
            tarSplit: join(root, "overlay-layers", `${layer}.tar-split.gz`),
            diffDir: join(root, "overlay", layer, "diff"),
          })),
        },
      ],
    });
  });

  it.each([
    ["another driver", "btrfs", [{ id: "base" }], /its storage driver is btrfs/],
    ["a layer without its tar-split", "overlay", [{ id: "base", tarSplit: false }], /layer base of image a{12} has no tar-split/],
    ["a parent the records lack", "overlay", [{ id: "top", parent: "gone" }], /layer gone of image a{12} is not whole/],
  ] as const)("says why not for %s", async (_, driver, layers, why) => {
    const root = store([...layers]);
    const found = await findStoredImages({ graphRoot: root, driver }, [id]);
    expect("why" in found && found.why).toMatch(why);
  });
});
