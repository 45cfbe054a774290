/**
 * Multi-platform images (issue 21): a podman manifest list over an amd64
 * and an arm64 image (`FROM scratch` builds with --arch, so no emulation)
 * is pushed whole, found up to date on a re-run, cut down by --platform,
 * saved whole into a bundle (or cut down) and pushed from it, and named in -n; a platform it lacks is refused before anything is sent.
 * The registry is asked what it serves: the index, each platform's manifest
 * and its config (the local image id). The list lives in the operator's
 * rootless storage: podman 4.3's `podman images` fails on a storage holding
 * a list and untagged images, which would break other files' checks of the
 * bed's storage.
 */
import { randomBytes } from "node:crypto";
import { chownSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { runCli } from "./helpers/cli.ts";
import { EXIT, expectError, expectSuccess } from "./helpers/expect-cli.ts";
import { expectNoTrace } from "./helpers/expect-registry.ts";
import { jsonImages } from "./helpers/json-report.ts";
import { asOperator, operator } from "./helpers/operator.ts";
import { archiveManifest, archivePlatforms } from "./helpers/archive-inspect.ts";
import { enginelessPath } from "./helpers/engineless.ts";
import { run } from "../bed/run.ts";
import { RegistryClient } from "./helpers/registry-client.ts";

const bed = useBed();
const { plain } = bed.registries;
const client = new RegistryClient(plain);
const IMAGE = "apim-le-cache";
const TAG = "v6.0.0";
const ARCHES = ["amd64", "arm64"] as const;

/** A local list `<path>/apim-le-cache:v6.0.0` over one image per arch; the ids by arch. */
interface LocalList {
  readonly path: string;
  readonly ids: Record<(typeof ARCHES)[number], string>;
}

async function makeLocalList(): Promise<LocalList> {
  const op = operator();
  const path = uniqueName("mp");
  const list = `${path}/${IMAGE}:${TAG}`;
  const ids: Record<string, string> = {};
  for (const arch of ARCHES) {
    const ctx = mkdtempSync(join(op.home, `mp-${arch}-`));
    writeFileSync(join(ctx, "payload"), randomBytes(1024));
    writeFileSync(join(ctx, "Containerfile"), "FROM scratch\nCOPY payload /payload\n");
    for (const file of [ctx, join(ctx, "payload"), join(ctx, "Containerfile")]) chownSync(file, op.uid, op.gid);
    const ref = `${path}-parts/${IMAGE}:${arch}`;
    await asOperator("podman", ["build", "--quiet", "--pull=never", "--no-cache", "--arch", arch, "--tag", ref, ctx]);
    ids[arch] = `sha256:${await asOperator("podman", ["image", "inspect", "--format", "{{.Id}}", ref])}`;
  }
  await asOperator("podman", ["manifest", "create", list]);
  for (const arch of ARCHES)
    await asOperator("podman", ["manifest", "add", list, `containers-storage:localhost/${path}-parts/${IMAGE}:${arch}`]);
  return { path, ids: ids as LocalList["ids"] };
}

/** What the target serves under the tag: each platform (os/arch) with the config its manifest names. */
async function servedPlatforms(repo: string): Promise<Record<string, string>> {
  const index = await client.index(repo, TAG);
  if (!index) {
    const single = await client.manifest(repo, TAG);
    return single ? { single: single.configDigest } : {};
  }
  const served: Record<string, string> = {};
  for (const entry of index.manifests) {
    const manifest = await client.manifest(repo, entry.digest);
    served[`${entry.platform?.os}/${entry.platform?.architecture}`] = manifest?.configDigest ?? "absent";
  }
  return served;
}

/** Directories of this file's own, removed after its tests. */
const scratchDirs: string[] = [];
const scratch = () => {
  const dir = mkdtempSync(join(tmpdir(), "pib-multi-"));
  scratchDirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of scratchDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("a podman manifest list", () => {
  let local: LocalList;
  const push = (dest: string, ...extra: string[]) =>
    runCli(["-r", `${plain.host}/${dest}`, "-c", "podman", "-t", "-p", local.path, "-s", TAG, "-i", IMAGE, ...extra], {
      as: operator(),
    });

  beforeAll(async () => {
    local = await makeLocalList();
  });
  afterAll(async () => {
    await asOperator("podman", ["manifest", "rm", `${local.path}/${IMAGE}:${TAG}`]);
    await asOperator("podman", ["rmi", ...ARCHES.map((arch) => `${local.path}-parts/${IMAGE}:${arch}`)]);
  });

  it("is pushed whole: the tag serves an index of both platforms; a re-run is up to date", async () => {
    const dest = uniqueName();
    const r = await push(dest, "--json");
    expectSuccess(r);
    const [report] = jsonImages(r);
    expect(report).toMatchObject({ status: "pushed", platforms: ["linux/amd64", "linux/arm64"] });
    expect(await servedPlatforms(`${dest}/${IMAGE}`)).toEqual({ "linux/amd64": local.ids.amd64, "linux/arm64": local.ids.arm64 });

    const again = await push(dest, "--json");
    expectSuccess(again);
    expect(jsonImages(again)[0]).toMatchObject({ status: "up-to-date", platforms: ["linux/amd64", "linux/arm64"] });
  });

  it("--platform linux/arm64: the tag serves the arm64 image and nothing else", async () => {
    const dest = uniqueName();
    expectSuccess(await push(dest, "--platform", "linux/arm64"));
    expect(await servedPlatforms(`${dest}/${IMAGE}`)).toEqual({ single: local.ids.arm64 });
  });

  it("a `skopeo copy --all` OCI archive: --from-archive pushes both platforms (the index's digest kept), or --platform's", async () => {
    const from = uniqueName();
    expectSuccess(await push(from));
    const archive = join(scratch(), "multi.tar");
    const source = `docker://${plain.host}/${from}/${IMAGE}:${TAG}`;
    await run("skopeo", ["copy", "--all", "--src-tls-verify=false", source, `oci-archive:${archive}:apim/${IMAGE}:${TAG}`]);
    const fromArchive = (dest: string, ...extra: string[]) =>
      runCli(["--from-archive", archive, "-r", `${plain.host}/${dest}`, "-t", "--json", ...extra], {
        env: { PATH: enginelessPath() },
      });

    const dest = uniqueName();
    const r = await fromArchive(dest);
    expectSuccess(r);
    expect(jsonImages(r)[0]).toMatchObject({ status: "pushed", platforms: ["linux/amd64", "linux/arm64"] });
    expect(await servedPlatforms(`${dest}/${IMAGE}`)).toEqual({ "linux/amd64": local.ids.amd64, "linux/arm64": local.ids.arm64 });
    expect((await client.index(`${dest}/${IMAGE}`, TAG))?.digest).toBe((await client.index(`${from}/${IMAGE}`, TAG))?.digest);
    expect(jsonImages(await fromArchive(dest))[0]?.status).toBe("up-to-date");

    const arm = uniqueName();
    expectSuccess(await fromArchive(arm, "--platform", "linux/arm64"));
    expect(await servedPlatforms(`${arm}/${IMAGE}`)).toEqual({ single: local.ids.arm64 });
  });

  it("save writes the index and both platforms' images; --from-archive pushes both; save --platform keeps only those", async () => {
    const op = operator();
    const dir = mkdtempSync(join(op.home, "mp-save-"));
    chownSync(dir, op.uid, op.gid);
    const save = (output: string, ...extra: string[]) =>
      runCli(["save", "-o", output, "-c", "podman", "-p", local.path, "-s", TAG, "-i", IMAGE, ...extra], { as: op });
    try {
      const output = join(dir, "apim.tar");
      expectSuccess(await save(output));
      expect(await archivePlatforms(output)).toEqual({ "linux/amd64": local.ids.amd64, "linux/arm64": local.ids.arm64 });
      // docker keeps no lists: manifest.json gives it the image of this host's platform (the bed runs on amd64).
      expect((await archiveManifest(output))[0]?.Config).toBe(`blobs/${local.ids.amd64.replace(":", "/")}`);
      const dest = uniqueName();
      const r = await runCli(
        ["--from-archive", output, "-r", `${plain.host}/${dest}`, "-t", "-p", local.path, "-s", TAG, "--json"],
        {
          env: { PATH: enginelessPath() },
        },
      );
      expectSuccess(r);
      expect(jsonImages(r)[0]).toMatchObject({ status: "pushed", platforms: ["linux/amd64", "linux/arm64"] });
      expect(await servedPlatforms(`${dest}/${IMAGE}`)).toEqual({
        "linux/amd64": local.ids.amd64,
        "linux/arm64": local.ids.arm64,
      });

      const arm = join(dir, "arm.tar");
      expectSuccess(await save(arm, "--platform", "linux/arm64"));
      expect(await archivePlatforms(arm)).toEqual({ "linux/arm64": local.ids.arm64 });
      const missing = await save(join(dir, "s390x.tar"), "--platform", "linux/s390x");
      expect(expectError(missing, EXIT.invalid, "PLATFORM_MISSING")).toContain("it has linux/amd64, linux/arm64");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("-n names both platforms", async () => {
    const dest = uniqueName();
    const r = await push(dest, "-n");
    expectSuccess(r);
    expect(r.stderr).toContain(`${IMAGE}: multi-platform image: pushes linux/amd64, linux/arm64`);
    await expectNoTrace(dest);
  });

  it("a platform it lacks is refused, naming those it has, before anything is sent", async () => {
    const dest = uniqueName();
    const text = expectError(
      await push(dest, "--platform", "linux/arm64", "--platform", "linux/s390x"),
      EXIT.invalid,
      "PLATFORM_MISSING",
    );
    expect(text).toContain("has no linux/s390x image; it has linux/amd64, linux/arm64");
    await expectNoTrace(dest);
  });

  it("a --platform that is not os/arch is refused, naming the rule", async () => {
    const text = expectError(await push(uniqueName(), "--platform", "arm64"), EXIT.invalid, "INVALID_PLATFORM");
    expect(text).toContain("os/arch[/variant]");
  });
});
