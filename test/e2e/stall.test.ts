/**
 * A registry that takes a blob upload and never answers, holding the
 * connection open: without a stall timeout the push waits for ever. A
 * stand-in proxy in front of the plain registry holds the uploads. The push
 * is stopped after --stall-timeout seconds without a byte sent or received,
 * as REGISTRY_STALLED, and retried like any transient error. Preflight's
 * own timeout says how long it really waited.
 */
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { runCli } from "./helpers/cli.ts";
import { describeRun, expectError, expectSuccess } from "./helpers/expect-cli.ts";
import { expectImage } from "./helpers/expect-registry.ts";
import { enginelessPath } from "./helpers/engineless.ts";
import { jsonImages } from "./helpers/json-report.ts";
import { testDir } from "./helpers/local-tools.ts";
import { isBlobUpload, startStandInProxy, type ProxyRule, type StandInProxy } from "./helpers/stand-in-proxy.ts";
import { LOOPBACK_FLAGS } from "./helpers/tool-flags.ts";

const bed = useBed();
const { plain } = bed.registries;
const image = "apim-le-cache";

const proxies: StandInProxy[] = [];
afterEach(async () => {
  await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
});

async function proxy(rule: ProxyRule): Promise<StandInProxy> {
  const started = await startStandInProxy(plain, rule);
  proxies.push(started);
  return started;
}

/** Holds blob uploads (all, or only the first); forwards everything else. */
const holdUploads =
  (which: "all" | "first"): ProxyRule =>
  (req, earlier) =>
    isBlobUpload(req) && (which === "all" || !earlier.some((seen) => seen.answeredByProxy)) ? "hold" : undefined;

describe("-c podman", () => {
  const tool = "podman";
  it("a stalled upload is stopped after --stall-timeout and retried: pushed on the second attempt", async () => {
    // Only the first upload is held: the retry goes through.
    const stand = await proxy(holdUploads("first"));
    const path = uniqueName();
    const started = Date.now();
    const r = await runCli([
      "-r",
      `${stand.registry.host}/${path}`,
      ...LOOPBACK_FLAGS[tool],
      "-i",
      image,
      "--stall-timeout",
      "3",
      "--retries",
      "1",
      "--json",
    ]);
    const seconds = (Date.now() - started) / 1000;

    expectSuccess(r);
    const [entry] = jsonImages(r);
    expect([entry?.status, entry?.attempts], describeRun(r)).toEqual(["pushed", 2]);
    expect(r.stderr, "the retry names the stall").toMatch(/REGISTRY_STALLED|made no progress for 3s/);
    expect(seconds, "stopped after the stall timeout, not left hanging").toBeLessThan(60);
    await expectImage(plain, `${path}/${image}`, "v6.0.0", bed.images.defaults.podmanIds[image] as string);
  });
});

// dockerd does the upload: stopping the docker CLI does not end dockerd's
// stalled transfer at once, and the retry's `docker push` joins it, so with
// docker a stall ends as REGISTRY_STALLED after 1 + --retries attempts.
describe.each(["podman", "docker"] as const)("-c %s", (tool) => {
  it("a registry that never answers: REGISTRY_STALLED after 1 + --retries attempts, exit 1, nothing reported pushed", async () => {
    const stand = await proxy(holdUploads("all"));
    const r = await runCli([
      "-r",
      `${stand.registry.host}/${uniqueName()}`,
      ...LOOPBACK_FLAGS[tool],
      "-i",
      image,
      "--stall-timeout",
      "2",
      "--retries",
      "1",
      "--json",
    ]);

    expectError(r, 1, "REGISTRY_STALLED");
    const [entry] = jsonImages(r);
    expect([entry?.status, entry?.error?.code, entry?.attempts], describeRun(r)).toEqual(["failed", "REGISTRY_STALLED", 2]);
  });
});

describe("--from-archive (no engine)", () => {
  it("a registry that takes every blob whole and never answers: REGISTRY_STALLED within (1 + --retries) x (--stall-timeout + 1 s per MiB) plus backoff", async () => {
    const bundle = join(testDir(), "stall.tar");
    expectSuccess(await runCli(["save", "-o", bundle, "-c", "podman", "-i", image]));
    const stand = await proxy(holdUploads("all"));
    const started = performance.now();
    const r = await runCli(
      [
        "--from-archive",
        bundle,
        "-r",
        `${stand.registry.host}/${uniqueName()}`,
        "-t",
        "--stall-timeout",
        "2",
        "--retries",
        "1",
        "--json",
      ],
      { env: { PATH: enginelessPath(), XDG_STATE_HOME: testDir() } },
    );
    const seconds = (performance.now() - started) / 1000;

    expectError(r, 1, "REGISTRY_STALLED");
    const [entry] = jsonImages(r);
    expect([entry?.status, entry?.error?.code, entry?.attempts], describeRun(r)).toEqual(["failed", "REGISTRY_STALLED", 2]);
    // The image's blobs are under 1 MiB: 3 s per attempt, two attempts, a backoff of about a second.
    expect(entry?.error?.message, describeRun(r)).toMatch(/sent all it had and got no answer for 3s/);
    expect(seconds, "within the stated bound").toBeLessThan(2 * 3 + 5 + 5);
  });
});

describe("preflight against a registry that never answers", () => {
  it("REGISTRY_STALLED after --stall-timeout, saying it stopped answering and how long it waited", async () => {
    const stand = await proxy(() => "hold");
    const started = Date.now();
    const r = await runCli(["-r", `${stand.registry.host}/${uniqueName()}`, ...LOOPBACK_FLAGS.podman, "--stall-timeout", "4"]);
    const waited = (Date.now() - started) / 1000;

    const text = expectError(r, 1, "REGISTRY_STALLED");
    expect(text).toContain("took the connection but stopped answering: nothing came back for 4s (--stall-timeout)");
    expect(waited, describeRun(r)).toBeLessThan(12);
  });
});
