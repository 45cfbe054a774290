/**
 * Registries whose chunked uploads differ from distribution's (issue 19),
 * each a personality before the plain registry: ECR (PATCH answered 201,
 * a Range that stops advancing, mounts answered 202), GHCR (a chunk over
 * 4 MiB refused with 416) and Artifact Registry (no chunks at all). The
 * bundle push (no engine on PATH) and podman push every image asked for:
 * one with an 80 MB incompressible layer (over the 64 MiB above which a
 * bundle's blob goes as one streamed PATCH a later run can continue) and
 * one small one, built once for the file. Each takes the stream, as it
 * takes podman's; behind a proxy that refuses a body without a length
 * (411), the bundle push sends chunks instead, and each registry's way
 * with chunks shows. What reached the registry behind the front is
 * checked through its API (config digest = the image id); what the front
 * answered, from its record.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, type TestContext } from "vitest";
import { startPersonality, type Personality, type SeenRequest } from "../bed/personalities/front.ts";
import { ecr } from "../bed/personalities/ecr.ts";
import { garMonolithic } from "../bed/personalities/gar-monolithic.ts";
import { ghcr } from "../bed/personalities/ghcr.ts";
import { lengthRequired } from "../bed/personalities/length-required.ts";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { runCli, type CliResult } from "./helpers/cli.ts";
import { enginelessPath } from "./helpers/engineless.ts";
import { describeRun, expectSuccess } from "./helpers/expect-cli.ts";
import { expectPushed } from "./helpers/expect-registry.ts";
import { jsonImages, statuses } from "./helpers/json-report.ts";
import { testDir, tool } from "./helpers/local-tools.ts";
import { buildRandomImage } from "./helpers/random-image.ts";
import { sourceFlags } from "./helpers/tool-flags.ts";

const bed = useBed();
const { plain } = bed.registries;
const IMAGES = ["apim-le-cache", "apim-le-toolkit"];
const LAYER_BYTES = 80 * 1000 * 1000;
const MiB = 1024 * 1024;
const sourcePath = uniqueName("chunks");
const ids: Record<string, string> = {};
let bundle: string;

beforeAll(async () => {
  const [big = "", small = ""] = IMAGES;
  ids[big] = await buildRandomImage(`${sourcePath}/${big}:v1`, LAYER_BYTES);
  ids[small] = await buildRandomImage(`${sourcePath}/${small}:v1`, 64 * 1024);
  bundle = join(testDir(), "chunks.tar");
  expectSuccess(await runCli(["save", "-o", bundle, "-c", "podman", ...sourceFlags(sourcePath, IMAGES)]));
});

afterAll(async () => {
  await tool("podman", ["rmi", ...IMAGES.map((image) => `${sourcePath}/${image}:v1`)]);
});

/** The PATCHes the front saw under `path`, each with the answer it got. */
const patches = (seen: readonly SeenRequest[], path: string) =>
  seen.filter((q) => q.method === "PATCH" && q.path.includes(`/v2/${path}/`));

interface Case {
  readonly registry: string;
  readonly personality: () => Personality;
  /** What the bundle push's PATCHes and output show of the registry's way. */
  readonly bundleShows: (patched: readonly SeenRequest[], r: CliResult) => void;
}

/** The one streamed PATCH of the 80 MB layer, answered `status`: no Content-Range, taken whole. */
const oneStream = (status: number) => (patched: readonly SeenRequest[]) =>
  expect(patched.map((q) => q.status).join(), "one streamed PATCH").toBe(String(status));

const cases: Case[] = [
  {
    registry: "ECR: PATCH answered 201, its Range stuck at the first chunk's end, mounts answered 202",
    personality: ecr,
    bundleShows: oneStream(201),
  },
  { registry: "GHCR: a chunk over 4 MiB refused with 416", personality: ghcr, bundleShows: oneStream(202) },
  { registry: "Artifact Registry: whole uploads only, chunks refused", personality: garMonolithic, bundleShows: oneStream(202) },
];

/** Behind a proxy that refuses the stream (411): the chunks each registry takes. */
const chunkCases: Case[] = [
  {
    registry: "distribution",
    personality: () => lengthRequired(),
    bundleShows(patched, r) {
      expect(patched[0]?.status, "the stream, refused").toBe(411);
      expect(patched.length, "then the 80 MB layer in chunks").toBeGreaterThanOrEqual(3);
      expect(new Set(patched.slice(1).map((q) => q.status)), "each taken").toEqual(new Set([202]));
      expect(r.stderr, describeRun(r)).toMatch(/refused a streamed upload .* sending chunks of at most 64 MiB from now on/);
    },
  },
  {
    registry: "GHCR: a chunk over 4 MiB refused with 416",
    personality: () => lengthRequired(ghcr()),
    bundleShows(patched, r) {
      expect(patched.filter((q) => q.status === 416).length, "refused once, then remembered").toBe(1);
      const taken = patched.filter((q) => q.status === 202).length;
      expect(taken, "80 MB in 4 MiB chunks").toBeGreaterThanOrEqual(LAYER_BYTES / (4 * MiB));
      expect(r.stderr, describeRun(r)).toMatch(/refused a 8 MiB chunk .* sending chunks of at most 4 MiB from now on/);
    },
  },
  {
    registry: "Artifact Registry: whole uploads only, chunks refused",
    personality: () => lengthRequired(garMonolithic()),
    bundleShows(patched, r) {
      expect(patched.map((q) => q.status).join(), "the stream and one chunk tried, refused; then one PUT").toBe("411,400");
      expect(r.stderr, describeRun(r)).toMatch(/refused a 8 MiB chunk .* sending blobs whole from now on/);
    },
  },
];

async function expectAllPushed(r: CliResult, path: string): Promise<void> {
  expectSuccess(r);
  expect(statuses(jsonImages(r)), describeRun(r)).toEqual(Object.fromEntries(IMAGES.map((image) => [image, "pushed"])));
  await expectPushed(plain, path, "v1", ids);
}

/** --from-archive with no engine through `personality`: pushed, and what its PATCHes show. */
async function bundlePush(test: TestContext, { personality, bundleShows }: Case): Promise<void> {
  const running = await startPersonality(plain, personality());
  test.onTestFinished(() => running.close());
  const path = uniqueName();
  const args = ["--from-archive", bundle, "-r", `${running.registry.host}/${path}`, "-t", "-p", sourcePath, "-s", "v1"];
  const r = await runCli([...args, "--json"], { env: { PATH: enginelessPath(), XDG_STATE_HOME: testDir() } });
  await expectAllPushed(r, path);
  bundleShows(patches(running.seen(), path), r);
}

describe.each(chunkCases)("behind a proxy that refuses a body without a length (411): $registry", (chunked) => {
  it("--from-archive with no engine: chunks instead of the stream; pushed", (test) => bundlePush(test, chunked));
});

describe.each(cases)("$registry", (registryCase) => {
  const { personality } = registryCase;
  it("--from-archive with no engine: the large layer in one streamed PATCH; pushed", (test) => bundlePush(test, registryCase));

  it("-c podman: its one streamed PATCH per blob is taken as on that registry; pushed", async (test) => {
    const running = await startPersonality(plain, personality());
    test.onTestFinished(() => running.close());
    const path = uniqueName();
    const r = await runCli([
      "-r",
      `${running.registry.host}/${path}`,
      "-c",
      "podman",
      "-t",
      ...sourceFlags(sourcePath, IMAGES),
      "--json",
    ]);
    await expectAllPushed(r, path);
  });
});
