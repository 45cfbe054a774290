/**
 * The air-gapped host: `--from-archive` pushes a bundle through the
 * registry API with a PATH that holds neither podman nor docker. Two
 * images share a base layer (as product images do): the base crosses the
 * wire once and is mounted into the second repository. The registry's own
 * access log counts what was sent; its API says what it holds (config
 * digest = the original image id).
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blobsCompleted, manifestPuts, requestsUnder } from "./helpers/access-log.ts";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { sourceFlags } from "./helpers/tool-flags.ts";
import { runCli } from "./helpers/cli.ts";
import { enginelessPath } from "./helpers/engineless.ts";
import { describeRun, expectError, expectSuccess } from "./helpers/expect-cli.ts";
import { expectPushed } from "./helpers/expect-registry.ts";
import { jsonImages, statuses } from "./helpers/json-report.ts";
import { testDir, tool } from "./helpers/local-tools.ts";

const bed = useBed();
const { plain } = bed.registries;
const IMAGES = ["apim-le-cache", "apim-le-toolkit"];
const sourcePath = uniqueName("shared");
const ids: Record<string, string> = {};
let bundle: string;

/** Data-carrying blob requests (the PUT or PATCH of an upload), as the registry logged them. */
const blobSends = (path: string) =>
  requestsUnder(plain, path).filter((r) => (r.method === "PUT" || r.method === "PATCH") && r.path.includes("/blobs/uploads/"));
const mounts = (path: string) =>
  requestsUnder(plain, path).filter((r) => r.method === "POST" && r.path.includes("mount=") && r.status === 201);

beforeAll(async () => {
  const dir = testDir();
  // A 4 MiB base every image builds on, then a file of each image's own.
  writeFileSync(join(dir, "base"), randomBytes(4 * 1024 * 1024));
  writeFileSync(join(dir, "Containerfile.base"), "FROM scratch\nCOPY base /base\n");
  await tool("podman", [
    "build",
    "--quiet",
    "--pull=never",
    "-f",
    join(dir, "Containerfile.base"),
    "--tag",
    `${sourcePath}/base:v1`,
    dir,
  ]);
  for (const image of IMAGES) {
    writeFileSync(join(dir, image), randomBytes(64 * 1024));
    writeFileSync(join(dir, `Containerfile.${image}`), `FROM localhost/${sourcePath}/base:v1\nCOPY ${image} /own\n`);
    await tool("podman", [
      "build",
      "--quiet",
      "--pull=never",
      "-f",
      join(dir, `Containerfile.${image}`),
      "--tag",
      `${sourcePath}/${image}:v1`,
      dir,
    ]);
    ids[image] =
      `sha256:${(await tool("podman", ["image", "inspect", "--format", "{{.Id}}", `${sourcePath}/${image}:v1`])).trim()}`;
  }
  bundle = join(testDir(), "apim.tar");
  expectSuccess(
    await runCli(["save", "-o", bundle, "-c", "podman", "-p", sourcePath, "-s", "v1", ...IMAGES.flatMap((i) => ["-i", i])]),
  );
});

afterAll(async () => {
  await tool("podman", ["rmi", ...IMAGES.map((image) => `${sourcePath}/${image}:v1`), `${sourcePath}/base:v1`]);
});

describe("--from-archive with no podman or docker on PATH", () => {
  it("pushes every image the bundle holds; the shared base is sent once; a re-run is all up-to-date", async () => {
    const path = uniqueName();
    const PATH = enginelessPath();
    const args = ["--from-archive", bundle, "-r", `${plain.host}/${path}`, "-t", "-p", sourcePath, "-s", "v1", "--json"];
    const r = await runCli(args, { env: { PATH } });

    expectSuccess(r);
    expect(statuses(jsonImages(r)), describeRun(r)).toEqual(Object.fromEntries(IMAGES.map((i) => [i, "pushed"])));
    await expectPushed(plain, path, "v1", ids);
    // Distinct blobs: the base layer, each image's own layer and each config.
    expect(blobSends(path), "blob uploads the registry saw").toHaveLength(1 + IMAGES.length * 2);
    expect(mounts(path), "the base mounted into the second repository").toHaveLength(IMAGES.length - 1);

    const again = await runCli(args, { env: { PATH } });
    expectSuccess(again);
    expect(statuses(jsonImages(again)), describeRun(again)).toEqual(Object.fromEntries(IMAGES.map((i) => [i, "up-to-date"])));
    expect(blobSends(path), "nothing sent again").toHaveLength(1 + IMAGES.length * 2);
  });

  it("-i pushes only what it names", async () => {
    const path = uniqueName();
    const r = await runCli(
      ["--from-archive", bundle, "-r", `${plain.host}/${path}`, "-t", "-p", sourcePath, "-s", "v1", "-i", "apim-le-toolkit"],
      { env: { PATH: enginelessPath() } },
    );
    expectSuccess(r);
    await expectPushed(plain, path, "v1", { "apim-le-toolkit": ids["apim-le-toolkit"] as string });
  });

  it("a flipped byte in a layer: refused as the layer is sent, never completed at the registry, no manifest", async () => {
    const damaged = join(testDir(), "damaged.tar");
    const bytes = readFileSync(bundle);
    // Past the tar headers of the first members: inside the 4 MiB base layer's gzip stream.
    const at = Math.floor(bytes.length / 2);
    bytes[at] = (bytes[at] ?? 0) ^ 0xff;
    writeFileSync(damaged, bytes);
    const path = uniqueName();
    const r = await runCli(["--from-archive", damaged, "-r", `${plain.host}/${path}`, "-t", "-p", sourcePath, "-s", "v1"], {
      env: { PATH: enginelessPath() },
    });
    const error = expectError(r, 1, "ARCHIVE_INVALID");
    const damagedBlob = /has a damaged blob (sha256:[0-9a-f]{64})/.exec(error)?.[1];
    expect(damagedBlob, error).toBeDefined();
    const requests = requestsUnder(plain, path);
    expect(manifestPuts(requests), "manifests pushed").toEqual([]);
    expect(blobsCompleted(requests), "blobs the registry completed").not.toContain(damagedBlob);
  });

  it("a truncated bundle is refused before anything is sent", async () => {
    const truncated = join(testDir(), "truncated.tar");
    const bytes = readFileSync(bundle);
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length * 0.7)));
    const path = uniqueName();
    const r = await runCli(["--from-archive", truncated, "-r", `${plain.host}/${path}`, "-t", "-p", sourcePath, "-s", "v1"], {
      env: { PATH: enginelessPath() },
    });
    expectError(r, 1, "ARCHIVE_INVALID");
    expect(requestsUnder(plain, path), "requests to the registry").toEqual([]);
  });
});

describe("registries that ask more of the client", () => {
  it("the TLS registry with -t, and the htpasswd registry with a stored login", async () => {
    const PATH = enginelessPath();
    const common = ["--from-archive", bundle, "-p", sourcePath, "-s", "v1", "-i", "apim-le-cache"];
    const tlsPath = uniqueName();
    expectSuccess(await runCli([...common, "-r", `${bed.registries.tls.host}/${tlsPath}`, "-t"], { env: { PATH } }));
    await expectPushed(bed.registries.tls, tlsPath, "v1", { "apim-le-cache": ids["apim-le-cache"] as string });

    const { auth } = bed.registries;
    const authFile = join(testDir(), "auth.json");
    const login = Buffer.from(`${auth.credentials?.username}:${auth.credentials?.password}`).toString("base64");
    writeFileSync(authFile, JSON.stringify({ auths: { [auth.host]: { auth: login } } }));
    const authPath = uniqueName();
    expectSuccess(
      await runCli([...common, "-r", `${auth.host}/${authPath}`, "-t"], { env: { PATH, REGISTRY_AUTH_FILE: authFile } }),
    );
    await expectPushed(auth, authPath, "v1", { "apim-le-cache": ids["apim-le-cache"] as string });
  });
});

describe("trust and parts", () => {
  it("the TLS registry without -t, its CA in /etc/docker/certs.d/<host>/ca.crt", async () => {
    const { tls } = bed.registries;
    const dir = join("/etc/docker/certs.d", tls.host);
    mkdirSync(dir, { recursive: true });
    copyFileSync(bed.caFile, join(dir, "ca.crt"));
    try {
      const path = uniqueName();
      const r = await runCli(
        ["--from-archive", bundle, "-r", `${tls.host}/${path}`, "-p", sourcePath, "-s", "v1", "-i", "apim-le-cache"],
        { env: { PATH: enginelessPath() } },
      );
      expectSuccess(r);
      await expectPushed(tls, path, "v1", { "apim-le-cache": ids["apim-le-cache"] as string });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("split parts push as one; a missing part is named before anything is sent", async () => {
    const parts = join(testDir(), "apim.tar");
    expectSuccess(
      await runCli(["save", "-o", parts, "--split", "1M", "-c", "podman", "-p", sourcePath, "-s", "v1", "-i", "apim-le-cache"]),
    );
    const args = (path: string) => [
      "--from-archive",
      `${parts}.000`,
      "-r",
      `${plain.host}/${path}`,
      "-t",
      ...sourceFlags(sourcePath, []),
    ];
    const whole = uniqueName();
    expectSuccess(await runCli(args(whole), { env: { PATH: enginelessPath() } }));
    await expectPushed(plain, whole, "v1", { "apim-le-cache": ids["apim-le-cache"] as string });

    const path = uniqueName();
    rmSync(`${parts}.001`);
    const missing = await runCli(args(path), { env: { PATH: enginelessPath() } });
    expect(expectError(missing, 1, "ARCHIVE_INVALID"), "names the missing part").toContain("apim.tar.001");
    expect(requestsUnder(plain, path), "requests to the registry").toEqual([]);
  });
});

describe("a plain docker save archive", () => {
  it("pushes engine-less, its layers gzipped on the way", async () => {
    const archive = join(testDir(), "docker-save.tar");
    const image = "apim-le-cache";
    await tool("docker", ["save", "-o", archive, `apim/${image}:v6.0.0`]);
    const path = uniqueName();
    const r = await runCli(["--from-archive", archive, "-r", `${plain.host}/${path}`, "-t", "-i", image], {
      env: { PATH: enginelessPath() },
    });
    expectSuccess(r);
    await expectPushed(plain, path, "v6.0.0", { [image]: bed.images.defaults.dockerIds[image] as string });
  });
});
