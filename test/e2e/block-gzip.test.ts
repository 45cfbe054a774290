/**
 * Layers compressed in blocks over every core (issue 23): an image with a
 * layer of random bytes (stored blocks) and one of text (deflated blocks),
 * each several blocks long. A bundle made twice has the same layer
 * digests; podman load and docker load take it; and both layers arrive
 * whole at the registry through `--from-archive`, of the bundle and of
 * podman's own docker-archive (gzipped on the way): same image id, and
 * each layer, read back from the registry and gunzipped, matches its
 * config's diff_ids.
 */
import { createHash, randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../bed/run.ts";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { runCli } from "./helpers/cli.ts";
import { enginelessPath } from "./helpers/engineless.ts";
import { expectSuccess } from "./helpers/expect-cli.ts";
import { expectImage } from "./helpers/expect-registry.ts";
import { forget, holdsImage } from "./helpers/fresh-image.ts";
import { testDir, tool } from "./helpers/local-tools.ts";

const bed = useBed();
const { plain } = bed.registries;
const path = uniqueName("blocks");
const image = "apim-le-cache";
const ref = `${path}/${image}:v1`;
let id = "";

const sha256 = (bytes: Buffer) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
const member = (file: string, name: string) => run("tar", ["-xOf", file, name]);

/** The gzip layer digests of the bundle's one image. */
async function layerDigests(bundle: string): Promise<string[]> {
  const index = JSON.parse(await member(bundle, "index.json")) as { manifests: { digest: string }[] };
  const manifest = JSON.parse(await member(bundle, `blobs/sha256/${index.manifests[0]?.digest.slice(7)}`)) as {
    layers: { digest: string; size: number }[];
  };
  return manifest.layers.map((layer) => `${layer.digest} ${layer.size}`);
}

async function save(name: string): Promise<string> {
  const bundle = join(testDir(), name);
  expectSuccess(await runCli(["save", "-o", bundle, "-c", "podman", "-p", path, "-s", "v1", "-i", image]));
  return bundle;
}

/** The pushed image as the registry serves it (skopeo checks each blob's digest), each layer gunzipped and hashed. */
async function expectLayersMatchDiffIds(repository: string): Promise<void> {
  const dir = testDir();
  await run("skopeo", ["copy", "--src-tls-verify=false", `docker://${plain.host}/${repository}:v1`, `dir:${dir}`]);
  const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as {
    config: { digest: string };
    layers: { digest: string }[];
  };
  const config = JSON.parse(readFileSync(join(dir, manifest.config.digest.slice(7)), "utf8")) as {
    rootfs: { diff_ids: string[] };
  };
  const plainDigests = manifest.layers.map((layer) => sha256(gunzipSync(readFileSync(join(dir, layer.digest.slice(7))))));
  expect(plainDigests).toEqual(config.rootfs.diff_ids);
}

beforeAll(async () => {
  const dir = testDir();
  // 3 MiB of each: several 512 KiB blocks, so block edges, stored blocks and dictionaries all count.
  writeFileSync(join(dir, "random"), randomBytes(3 * 1024 * 1024));
  const lines = Array.from({ length: 60_000 }, (_, n) => `${n} ${((n * 7919) % 10007).toString(36)} layer text line\n`);
  writeFileSync(join(dir, "text"), lines.join("").repeat(2));
  writeFileSync(join(dir, "Containerfile"), "FROM scratch\nCOPY random /random\nCOPY text /text\n");
  await tool("podman", ["build", "--quiet", "--pull=never", "--tag", ref, dir]);
  id = `sha256:${(await tool("podman", ["image", "inspect", "--format", "{{.Id}}", ref])).trim()}`;
});

afterAll(async () => {
  await forget("podman", id);
  await forget("docker", id);
});

describe("layers compressed in blocks", () => {
  it("a bundle made twice has the same layers; podman load and docker load take it", async () => {
    const first = await save("first.tar");
    const again = await save("again.tar");
    const layers = await layerDigests(first);
    expect(await layerDigests(again)).toEqual(layers);
    // The random layer is stored: its gzip is barely larger than its 3 MiB (plus the tar's headers).
    const randomSize = Number(layers[0]?.split(" ")[1]);
    expect(randomSize).toBeLessThan(3 * 1024 * 1024 * 1.001 + 4096);
    for (const loadWith of ["docker", "podman"] as const) {
      await forget(loadWith, id);
      await tool(loadWith, ["load", "-i", first]);
      expect(await holdsImage(loadWith, id), `${loadWith} load brought back ${id}`).toBe(true);
    }
  });

  it("both layers arrive whole through --from-archive, of the bundle and of podman save's archive", async () => {
    const archive = join(testDir(), "podman-save.tar");
    await tool("podman", ["save", "--format", "docker-archive", "-o", archive, ref]);
    for (const [from, bundle] of [
      ["bundle", await save("bundle.tar")],
      ["archive", archive],
    ] as const) {
      const target = uniqueName(from);
      const pushed = await runCli(["--from-archive", bundle, "-r", `${plain.host}/${target}`, "-t", "-p", path, "-s", "v1"], {
        env: { PATH: enginelessPath() },
      });
      expectSuccess(pushed);
      await expectImage(plain, `${target}/${image}`, "v1", id);
      await expectLayersMatchDiffIds(`${target}/${image}`);
    }
  });
});
