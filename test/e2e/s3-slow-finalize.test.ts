/**
 * A registry still placing a blob is not stalled (issue 19): S3-backed
 * distribution/Harbor and Artifactory answer the final `PUT ...?digest=`
 * of a large layer long after its bytes are in (the s3-slow-finalize
 * personality: 12 s here, and `HEAD` of the blob 404 meanwhile). With
 * --stall-timeout 3 the push waits for that answer instead of stopping
 * and sending the blob again: one final PUT of the 200 MB layer, one
 * attempt, for the bundle push (no engine on PATH) and for podman, and
 * the wait is said with -v. One image with a single 200 MB layer of
 * random bytes (incompressible), built once.
 */
import { randomBytes } from "node:crypto";
import { chownSync, mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, type TestContext } from "vitest";
import { startPersonality } from "../bed/personalities/front.ts";
import { s3SlowFinalize, type SlowFinalize } from "../bed/personalities/s3-slow-finalize.ts";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { runCli, type CliResult } from "./helpers/cli.ts";
import { enginelessPath } from "./helpers/engineless.ts";
import { describeRun, expectSuccess } from "./helpers/expect-cli.ts";
import { expectImage } from "./helpers/expect-registry.ts";
import { jsonImages } from "./helpers/json-report.ts";
import { asOperator, operator } from "./helpers/operator.ts";
import { buildRandomImage, useRandomBundle } from "./helpers/random-image.ts";
import { sourceFlags } from "./helpers/tool-flags.ts";
import { testDir, tool } from "./helpers/local-tools.ts";

const bed = useBed();
const { plain } = bed.registries;
const IMAGE = "apim-le-cache";
const LAYER_BYTES = 200 * 1000 * 1000;
const MiB = 1024 * 1024;
/** Far above --stall-timeout 3, far below what 200 MB earn (3 s + 191 s). */
const FINALIZE_MS = 12_000;
const sourcePath = uniqueName("slow");

const big = useRandomBundle(sourcePath, IMAGE, LAYER_BYTES);

/** The slow registry before the plain one, closed after the test. */
async function slowRegistry(test: TestContext, largeBytes = 64 * MiB): Promise<{ host: string; slow: SlowFinalize }> {
  const slow = s3SlowFinalize({ delayMs: FINALIZE_MS, largeBytes });
  const running = await startPersonality(plain, slow);
  test.onTestFinished(() => running.close());
  return { host: running.registry.host, slow };
}

/** Pushed at the first attempt, the large layer finalized once, the wait said; the image is in the registry behind. */
async function expectFinalizedOnce(r: CliResult, slow: SlowFinalize, repoAndTag: string, id: string): Promise<void> {
  expectSuccess(r);
  const [entry] = jsonImages(r);
  expect([entry?.status, entry?.attempts], describeRun(r)).toEqual(["pushed", 1]);
  expect([...slow.finalPuts().values()], "final PUTs of the large layer").toEqual([1]);
  expect(r.stderr, describeRun(r)).toMatch(waitLine);
  const [repo = "", tag = ""] = repoAndTag.split(":");
  await expectImage(plain, repo, tag, id);
}

const waitLine = /waiting for 127\.0\.0\.1:\d+ to (?:confirm|answer).* up to (?:\dm\d\d|\d+)s/;

describe.concurrent("a registry that answers the final PUT of a 200 MB layer 12 s late, with --stall-timeout 3", () => {
  it("--from-archive: waits for the answer; the layer is finalized once, one attempt, pushed", async (test) => {
    const { host, slow } = await slowRegistry(test);
    const path = uniqueName();
    const args = ["--from-archive", big.bundle, "-r", `${host}/${path}`, "-t", "-p", sourcePath, "-s", "v1"];
    const started = performance.now();
    const r = await runCli([...args, "--stall-timeout", "3", "--json", "-v"], {
      env: { PATH: enginelessPath(), XDG_STATE_HOME: testDir() },
    });

    expect(performance.now() - started, "it waited for the answer").toBeGreaterThanOrEqual(FINALIZE_MS);
    await expectFinalizedOnce(r, slow, `${path}/${IMAGE}:v1`, big.imageId);
  });

  it("-c podman: podman, all sent and waiting for the answer, is not stopped; finalized once, one attempt, pushed", async (test) => {
    const { host, slow } = await slowRegistry(test);
    const path = uniqueName();
    const flags = ["-c", "podman", "-t", ...sourceFlags(sourcePath, [IMAGE]), "--stall-timeout", "3", "--json", "-v"];
    const r = await runCli(["-r", `${host}/${path}`, ...flags]);

    await expectFinalizedOnce(r, slow, `${path}/${IMAGE}:v1`, big.imageId);
  });

  it("rootless podman (a non-root operator): its connections are read as well; finalized once, one attempt, pushed", async (test) => {
    // 24 MB earn 3 s + 23 s, still above the 12 s finalize: the operator's image stays small to build.
    const op = operator();
    const dir = mkdtempSync(join(op.home, "slow-"));
    writeFileSync(join(dir, "payload"), randomBytes(24_000_000));
    writeFileSync(join(dir, "Containerfile"), "FROM scratch\nCOPY payload /payload\n");
    for (const file of [dir, join(dir, "payload"), join(dir, "Containerfile")]) chownSync(file, op.uid, op.gid);
    const ref = `${sourcePath}/${IMAGE}:rootless`;
    await asOperator("podman", ["build", "--quiet", "--pull=never", "--tag", ref, dir]);
    const id = `sha256:${await asOperator("podman", ["image", "inspect", "--format", "{{.Id}}", ref])}`;
    const { host, slow } = await slowRegistry(test, 16 * MiB);
    const path = uniqueName();
    const flags = ["-c", "podman", "-t", "-p", sourcePath, "-s", "rootless", "-i", IMAGE, "--stall-timeout", "3", "--json", "-v"];
    const r = await runCli(["-r", `${host}/${path}`, ...flags], { as: op });

    await expectFinalizedOnce(r, slow, `${path}/${IMAGE}:rootless`, id);
  });

  it("-c docker: dockerd's upload is out of sight, the image's size stands in; finalized once, one attempt, pushed", async (test) => {
    // 30 MB earn 3 s + 29 s, above the 12 s finalize.
    const ref = `${sourcePath}/${IMAGE}:docker`;
    const id = await buildRandomImage(ref, 30_000_000);
    const archive = join(testDir(), "docker.tar");
    await tool("podman", ["save", "--format", "docker-archive", "-o", archive, ref]);
    await tool("docker", ["load", "-i", archive]);
    test.onTestFinished(async () => {
      await tool("docker", ["image", "rm", `localhost/${ref}`]);
      await tool("podman", ["rmi", ref]);
    });
    const { host, slow } = await slowRegistry(test, 16 * MiB);
    const path = uniqueName();
    const flags = ["-c", "docker", "-p", `localhost/${sourcePath}`, "-s", "docker", "-i", IMAGE, "--stall-timeout", "3"];
    const r = await runCli(["-r", `${host}/${path}`, ...flags, "--json", "-v"]);

    await expectFinalizedOnce(r, slow, `${path}/${IMAGE}:docker`, id);
  });
});
