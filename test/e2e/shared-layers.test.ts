/**
 * Images that share layers, pushed from local storage (issue 13), with each
 * tool: four images on one base, two of them also on a middle layer, pushed
 * with -j 4 into an empty repository path. The image carrying both shared
 * layers goes first, alone; the others follow and find them at the registry.
 * The registry's own access log proves each distinct blob was uploaded once;
 * its API proves each image is the local one (config digest = local id).
 */
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestsUnder } from "./helpers/access-log.ts";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { runCli } from "./helpers/cli.ts";
import { describeRun, expectSuccess } from "./helpers/expect-cli.ts";
import { expectPushed } from "./helpers/expect-registry.ts";
import { jsonImages, statuses } from "./helpers/json-report.ts";
import { localRefs, testDir, tool, toolRaw } from "./helpers/local-tools.ts";
import { LOOPBACK_FLAGS } from "./helpers/tool-flags.ts";

const { plain } = useBed().registries;
const sourcePath = uniqueName("layers");
/** Plan order; the toolkit carries both shared layers (base and middle), so it goes first. */
const IMAGES = ["apim-le-cache", "apim-le-toolkit", "apim-le-configui", "apim-le-platformapi"];
const ON_MIDDLE = new Set(["apim-le-toolkit", "apim-le-configui"]);
const CARRIER = "apim-le-toolkit";
const ids: Record<string, string> = {};
const ref = (image: string) => `${sourcePath}/${image}:v1`;

/** Completed blob uploads (the PUT that closes an upload session), as the registry logged them. */
const uploads = (path: string) =>
  requestsUnder(plain, path).filter((r) => r.method === "PUT" && r.path.includes("/blobs/uploads/") && r.status === 201);

beforeAll(async () => {
  const dir = testDir();
  const build = async (name: string, from: string, file: string, bytes: number) => {
    writeFileSync(join(dir, file), randomBytes(bytes));
    writeFileSync(join(dir, `Containerfile.${name}`), `FROM ${from}\nCOPY ${file} /${file}\n`);
    await tool("podman", [
      "build",
      "--quiet",
      "--pull=never",
      "-f",
      join(dir, `Containerfile.${name}`),
      "--tag",
      `${sourcePath}/${name}:v1`,
      dir,
    ]);
  };
  // Big enough that four pushes started together would each still be sending it.
  await build("base", "scratch", "base", 8 * 1024 * 1024);
  await build("middle", `localhost/${sourcePath}/base:v1`, "middle", 1024 * 1024);
  for (const image of IMAGES)
    await build(image, `localhost/${sourcePath}/${ON_MIDDLE.has(image) ? "middle" : "base"}:v1`, image, 64 * 1024);
  for (const image of IMAGES)
    ids[image] = `sha256:${(await tool("podman", ["image", "inspect", "--format", "{{.Id}}", ref(image)])).trim()}`;
  // The same images in dockerd, under the same names, as the bed loads its own.
  const tar = join(dir, "images.tar");
  await tool("podman", ["save", "--format", "docker-archive", "--multi-image-archive", "-o", tar, ...IMAGES.map(ref)]);
  await tool("docker", ["load", "-i", tar]);
  for (const image of IMAGES) await tool("docker", ["tag", `localhost/${ref(image)}`, ref(image)]);
  await tool("docker", ["image", "rm", ...IMAGES.map((image) => `localhost/${ref(image)}`)]);
  await tool("podman", ["rmi", `${sourcePath}/middle:v1`, `${sourcePath}/base:v1`]);
});

afterAll(async () => {
  await toolRaw("podman", ["rmi", ...IMAGES.map(ref)]);
  await toolRaw("docker", ["image", "rm", ...IMAGES.map(ref)]);
});

describe.each(["podman", "docker"] as const)("%s, four images sharing layers, -j 4", (name) => {
  const args = (path: string) => [
    "-r",
    `${plain.host}/${path}`,
    ...LOOPBACK_FLAGS[name],
    "-p",
    sourcePath,
    "-s",
    "v1",
    "-j",
    "4",
    ...IMAGES.flatMap((i) => ["-i", i]),
  ];

  it("-n shows the layer order: the carrier first, the others after it", async () => {
    const r = await runCli([...args(uniqueName()), "-n"]);
    expectSuccess(r);
    expect(r.stderr).toContain(
      `Layer order: ${CARRIER} first; apim-le-cache, apim-le-configui, apim-le-platformapi share 2 layers with it`,
    );
    const planned = [...r.stderr.matchAll(/^ {2}(\S+) -> \S+(.*)$/gm)].map((m) => `${m[1]}${m[2]}`);
    expect(planned).toEqual([ref(CARRIER), ...IMAGES.filter((i) => i !== CARRIER).map((i) => `${ref(i)}   (after ${CARRIER})`)]);
  });

  it("uploads each distinct blob once, pushes the local images, and leaves local storage as found", async () => {
    const path = uniqueName();
    const before = (await localRefs(name)).sort();
    const r = await runCli([...args(path), "--json"]);
    expectSuccess(r);
    expect(statuses(jsonImages(r)), describeRun(r)).toEqual(Object.fromEntries(IMAGES.map((i) => [i, "pushed"])));
    await expectPushed(plain, path, "v1", ids);
    // Distinct blobs: the base, the middle layer, each image's own layer and each config.
    const distinct = 2 + IMAGES.length * 2;
    expect(uploads(path).length, `blob uploads the registry saw\n${describeRun(r)}`).toBe(distinct);
    expect((await localRefs(name)).sort(), `${name} storage after the run`).toEqual(before);
  });
});
