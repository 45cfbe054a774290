/**
 * Ctrl-C during a large engine-less upload, and the next run continuing
 * it. One image with a single 200 MB layer of random bytes (incompressible,
 * so the layer stays 200 MB), saved into a bundle and pushed with
 * `--from-archive` and no podman or docker on PATH, through a stand-in
 * proxy whose link is throttled (so the upload lasts seconds) and counts
 * every body byte it hands the registry. Each test has its own state
 * directory (XDG_STATE_HOME). The real distribution registry decides what
 * a session is still good for: the tool only asks it.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, type TestContext } from "vitest";
import { waitFor } from "../bed/wait.ts";
import { requestsUnder } from "./helpers/access-log.ts";
import { uniqueName, useBed, type BedRegistry } from "./helpers/bed.ts";
import { runCli, startCli, type RunningCli } from "./helpers/cli.ts";
import { enginelessPath } from "./helpers/engineless.ts";
import { describeRun, expectSuccess } from "./helpers/expect-cli.ts";
import { expectImage } from "./helpers/expect-registry.ts";
import { jsonImages, statuses } from "./helpers/json-report.ts";
import { testDir, tool } from "./helpers/local-tools.ts";
import { useRandomBundle } from "./helpers/random-image.ts";
import { startStandInProxy } from "./helpers/stand-in-proxy.ts";
import { ThrottledLink } from "./helpers/throttled-link.ts";

const bed = useBed();
const { plain, auth } = bed.registries;
const IMAGE = "apim-le-cache";
const LAYER_BYTES = 200 * 1000 * 1000;
/** 25 MB/s: the layer takes about 8 s, long enough to be caught half way. */
const RATE = 25 * 1000 * 1000;
const MiB = 1024 * 1024;
const sourcePath = uniqueName("big");

interface StateEntry {
  registry: string;
  repository: string;
  digest: string;
  location: string;
  offset: number;
  size: number;
}

const big = useRandomBundle(sourcePath, IMAGE, LAYER_BYTES);

/** A run of the test's own: the proxy in front of `registry` as -r, a state directory, no engine on PATH. */
async function setUpRun(test: TestContext, registry: BedRegistry, extraEnv: Record<string, string> = {}) {
  const link = new ThrottledLink(RATE);
  const proxy = await startStandInProxy(registry, () => undefined, { link });
  test.onTestFinished(() => proxy.close());
  const stateHome = testDir();
  const path = uniqueName();
  const env = { PATH: enginelessPath(), XDG_STATE_HOME: stateHome, ...extraEnv };
  const args = [
    "--from-archive",
    big.bundle,
    "-r",
    `${proxy.registry.host}/${path}`,
    "-t",
    "-p",
    sourcePath,
    "-s",
    "v1",
    "--json",
  ];
  const stateFile = join(stateHome, "push-images", "uploads.json");
  const entries = (): StateEntry[] =>
    Object.values((JSON.parse(readFileSync(stateFile, "utf8")) as { uploads: Record<string, StateEntry> }).uploads);
  return { link, proxy, path, env, args, stateFile, entries, repository: `${path}/${IMAGE}` };
}

/** Waits until `reached()`, failing at once if the run ends first. */
async function waitDuring(run: RunningCli, reached: () => boolean, what: string): Promise<void> {
  await waitFor(async () => reached(), {
    what,
    timeoutMs: 90_000,
    intervalMs: 20,
    abort: () => (run.running() ? undefined : `the run ended first:\n${run.output().stderr}`),
  });
}

const short = "(sha256:[0-9a-f]{12}…)";
const stopping = new RegExp(
  `Stopping the upload of ${IMAGE}'s layer ${short} at \\d+ of \\d+ MiB \\(its answer awaited at most 20s\\); the next run continues from there`,
);
const stoppedMidChunk = new RegExp(
  `Stopped the upload of ${IMAGE}'s layer ${short} mid-chunk: the registry most likely drops the session`,
);

describe.concurrent("Ctrl-C during the streamed upload of a 200 MB layer", () => {
  it("ends the body where it is and records the session; the next run continues it: at most 1.2x the layer sent in all", async (test) => {
    // The htpasswd registry: the state file must hold none of the login.
    const login = `${auth.credentials?.username}:${auth.credentials?.password}`;
    const authFile = join(testDir(), "auth.json");
    const s = await setUpRun(test, auth, { REGISTRY_AUTH_FILE: authFile });
    writeFileSync(
      authFile,
      JSON.stringify({ auths: { [s.proxy.registry.host]: { auth: Buffer.from(login).toString("base64") } } }),
    );

    const run = startCli(s.args, { env: s.env, ownGroup: true });
    await waitDuring(run, () => s.link.forwarded >= LAYER_BYTES / 2, "half the layer to cross the link");
    run.killGroup("SIGINT");
    const first = await run.result;

    expect(first.code, describeRun(first)).toBe(130);
    expect(first.stderr, describeRun(first)).toMatch(stopping);
    expect(first.stderr, describeRun(first)).toMatch(/^.*Stopped: interrupted by SIGINT during pushing/m);
    expect(first.stderr, describeRun(first)).not.toMatch(stoppedMidChunk);
    const [reported] = jsonImages(first);
    expect(reported?.status, describeRun(first)).toBe("failed");
    expect(reported?.error?.code, describeRun(first)).toBe("INTERRUPTED");
    expect((JSON.parse(first.stdout) as { interrupted: unknown }).interrupted).toEqual({ signal: "SIGINT", during: "pushing" });

    expect(statSync(s.stateFile).mode & 0o777, "state file mode").toBe(0o600);
    const text = readFileSync(s.stateFile, "utf8");
    for (const secret of [
      auth.credentials?.password ?? "",
      Buffer.from(login).toString("base64"),
      "Basic ",
      "Bearer ",
      "uthorization",
    ]) {
      expect(text, "the state file holds no credentials").not.toContain(secret);
    }
    const [entry, ...others] = s.entries();
    expect(others, text).toEqual([]);
    expect(entry).toMatchObject({ registry: s.proxy.registry.host, repository: s.repository });
    expect(entry?.location, text).toMatch(
      new RegExp(`^http://${s.proxy.registry.host}/v2/${s.repository}/blobs/uploads/[^?]+\\?_state=`),
    );
    const layer = entry as StateEntry;
    expect(layer.size, "the layer stays ~200 MB gzipped").toBeGreaterThan(LAYER_BYTES);
    // The body ended as a whole request: the registry holds at least what had crossed then.
    expect(layer.offset, text).toBeGreaterThanOrEqual(LAYER_BYTES / 2 - 2 * MiB);
    expect(layer.offset, text).toBeLessThan(layer.size);
    expect(s.link.forwarded, "nothing crossed after the recorded offset but the small config").toBeLessThan(layer.offset + MiB);

    const second = await runCli(s.args, { env: s.env });
    expectSuccess(second);
    const continuing = `Continuing the upload of ${layer.digest.slice(0, 19)}… to ${s.repository} at ${Math.round(layer.offset / MiB)} of ${Math.round(layer.size / MiB)} MiB`;
    expect(second.stderr, describeRun(second)).toContain(continuing);
    expect(statuses(jsonImages(second)), describeRun(second)).toEqual({ [IMAGE]: "pushed" });
    await expectImage(auth, s.repository, "v1", big.imageId);
    expect(s.link.forwarded, "bytes sent over both runs").toBeLessThanOrEqual(1.2 * layer.size);
    expect(s.entries(), "the finished upload is no longer recorded").toEqual([]);
  });

  it("SIGHUP with the terminal gone (an ssh session dropped): the body ends, the session is recorded, the run's TMPDIR goes, exit 130", async (test) => {
    const tmp = testDir();
    const s = await setUpRun(test, plain, { TMPDIR: tmp });
    const run = startCli(s.args, { env: s.env });
    await waitDuring(run, () => s.link.forwarded >= LAYER_BYTES / 4, "a quarter of the layer to cross the link");
    // The terminal goes first, then the signal: every line the run writes from now on fails.
    run.closeOutput();
    const forwardedAtSignal = s.link.forwarded;
    run.kill("SIGHUP");
    const r = await run.result;

    expect(r.code, describeRun(r)).toBe(130);
    const [entry, ...others] = s.entries();
    expect(others).toEqual([]);
    expect(entry, "the session is recorded").toMatchObject({ repository: s.repository });
    // The body ended as a whole request: the registry holds at least what had crossed at the signal.
    expect(entry?.offset).toBeGreaterThanOrEqual(forwardedAtSignal - 2 * MiB);
    expect(readdirSync(tmp), "left in TMPDIR").toEqual([]);
  });

  it("an image found up to date drops the upload recorded for its layer", async (test) => {
    const s = await setUpRun(test, plain);
    s.link.setRate(Infinity);
    expectSuccess(await runCli(s.args, { env: s.env }));
    const accept = "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json";
    const manifest = (await (
      await fetch(`http://${plain.host}/v2/${s.repository}/manifests/v1`, { headers: { accept } })
    ).json()) as {
      layers: { digest: string; size: number }[];
    };
    const [layer] = manifest.layers;
    const left = {
      registry: s.proxy.registry.host,
      repository: s.repository,
      digest: layer?.digest,
      location: `http://${s.proxy.registry.host}/v2/${s.repository}/blobs/uploads/left-open?_state=x`,
      offset: MiB,
      size: layer?.size,
      recordedAt: new Date().toISOString(),
    };
    mkdirSync(dirname(s.stateFile), { recursive: true });
    writeFileSync(s.stateFile, JSON.stringify({ uploads: { [`${left.registry}/${left.repository}@${left.digest}`]: left } }));
    expect(s.entries(), "the planted entry").toHaveLength(1);

    const second = await runCli(s.args, { env: s.env });
    expectSuccess(second);
    expect(statuses(jsonImages(second)), describeRun(second)).toEqual({ [IMAGE]: "up-to-date" });
    expect(s.entries(), "the entry of an image already at the target").toEqual([]);
  });

  it("a state directory that cannot be written: one warning, and the push still goes through", async (test) => {
    // XDG_STATE_HOME is a file: nothing can be made under it.
    const notADirectory = join(testDir(), "state-is-a-file");
    writeFileSync(notADirectory, "");
    const s = await setUpRun(test, plain, { XDG_STATE_HOME: notADirectory });
    s.link.setRate(Infinity);
    const r = await runCli(s.args, { env: s.env });

    expectSuccess(r);
    const warnings = r.stderr.split("\n").filter((line) => line.startsWith("Warning: cannot record upload sessions in"));
    expect(warnings, describeRun(r)).toHaveLength(1);
    expect(warnings[0]).toContain(notADirectory);
    await expectImage(plain, s.repository, "v1", big.imageId);
  });

  it("a second Ctrl-C cuts the request at once; the registry forgets that session, and the next run says so and sends the layer afresh", async (test) => {
    const s = await setUpRun(test, plain);
    const run = startCli(s.args, { env: s.env, ownGroup: true });
    // Held mid-body, a while into the upload: the request cannot end.
    await Promise.race([s.link.holdBody((bodyBytes) => s.link.forwarded >= 0.3 * LAYER_BYTES && bodyBytes >= MiB), run.result]);
    run.killGroup("SIGINT");
    await waitDuring(run, () => stopping.test(run.output().stderr), "the line about stopping the upload");
    const secondSignalAt = performance.now();
    run.killGroup("SIGINT");
    const first = await run.result;
    s.link.resume();

    expect(first.code, describeRun(first)).toBe(130);
    expect(performance.now() - secondSignalAt, "stopped at once").toBeLessThan(5_000);
    expect(first.stderr, describeRun(first)).toMatch(stoppedMidChunk);
    const [recorded] = s.entries();
    expect(recorded, "the session as the stream began").toMatchObject({ repository: s.repository, offset: 0 });

    s.link.setRate(Infinity);
    const second = await runCli(s.args, { env: s.env });
    expectSuccess(second);
    const afresh = new RegExp(
      `The registry no longer knows the recorded upload of ${short} to ${s.repository} \\(HTTP 404\\): sending it afresh`,
    );
    expect(second.stderr, describeRun(second)).toMatch(afresh);
    await expectImage(plain, s.repository, "v1", big.imageId);
    expect(s.entries()).toEqual([]);
  });

  it("without a second Ctrl-C, a request whose answer does not come is cut after 20 s", async (test) => {
    const s = await setUpRun(test, plain);
    const run = startCli(s.args, { env: s.env, ownGroup: true });
    await Promise.race([s.link.holdBody((bodyBytes) => bodyBytes >= MiB), run.result]);
    const signalAt = performance.now();
    run.killGroup("SIGINT");
    const r = await run.result;
    s.link.resume();

    expect(r.code, describeRun(r)).toBe(130);
    expect(r.stderr, describeRun(r)).toMatch(stopping);
    expect(r.stderr, describeRun(r)).toMatch(stoppedMidChunk);
    const waited = performance.now() - signalAt;
    expect(waited, "the bound").toBeGreaterThanOrEqual(19_500);
    expect(waited, "the bound").toBeLessThan(30_000);
  });
});

describe("registries that take whole blobs only", () => {
  it("--registry-type artifact-registry: the 200 MB layer goes in one PUT, no PATCH", async () => {
    const path = `${uniqueName()}/apim-images`;
    const r = await runCli(
      [
        "--from-archive",
        big.bundle,
        "-r",
        `${plain.host}/${path}`,
        "--registry-type",
        "artifact-registry",
        "-t",
        "-p",
        sourcePath,
        "-s",
        "v1",
      ],
      {
        env: { PATH: enginelessPath(), XDG_STATE_HOME: testDir() },
      },
    );
    expectSuccess(r);
    await expectImage(plain, `${path}/${IMAGE}`, "v1", big.imageId);
    const uploads = requestsUnder(plain, path).filter((q) => q.path.includes("/blobs/uploads/"));
    expect(
      uploads.filter((q) => q.method === "PATCH"),
      "chunks sent",
    ).toEqual([]);
    expect(
      uploads.filter((q) => q.method === "PUT"),
      "whole-blob PUTs: the layer and the config",
    ).toHaveLength(2);
  });
});
