/**
 * --retries (issue 5), with each tool, through a stand-in proxy in front of
 * the plain registry that fails manifest PUTs on cue (a real registry
 * cannot be made to). A 503 twice, then success: retried and pushed, three
 * PUTs in all. The same 503 with --retries 0 fails after one PUT, so the
 * retrying is the tool's, not podman's or docker's. A 401 is permanent:
 * one PUT, never retried. Backoff starts near 1 s and doubles: 2 retries at most.
 * Uploads cut mid-stream are retried too (podman gives up on some cuts;
 * dockerd retries layer uploads itself, 5 s apart, so only podman is run).
 */
import { afterEach, describe, expect, it } from "vitest";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { runCli } from "./helpers/cli.ts";
import { describeRun, EXIT, expectSuccess } from "./helpers/expect-cli.ts";
import { expectDigestsServed, jsonImages } from "./helpers/json-report.ts";
import { RegistryClient } from "./helpers/registry-client.ts";
import { toolSpy, type ToolSpy } from "./helpers/tool-spy.ts";
import {
  cutBlobUploadsWhile,
  failManifestPuts,
  isManifestPut,
  startStandInProxy,
  type ProxyRule,
  type StandInProxy,
} from "./helpers/stand-in-proxy.ts";
import { LOOPBACK_FLAGS } from "./helpers/tool-flags.ts";

const bed = useBed();
const { plain } = bed.registries;
const apim = bed.images.defaults;
const image = "apim-le-trafficmanager";

const tools = [
  { tool: "podman", flags: LOOPBACK_FLAGS.podman },
  { tool: "docker", flags: LOOPBACK_FLAGS.docker },
] as const;

let proxy: StandInProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

/** Pushes `image` through a proxy with `rule`; returns the run, the repo path, and the manifest PUTs the proxy saw. */
async function pushThrough(flags: readonly string[], rule: ProxyRule, retries: number) {
  proxy = await startStandInProxy(plain, rule);
  const path = uniqueName();
  const r = await runCli(["-r", `${proxy.registry.host}/${path}`, ...flags, "-i", image, "--retries", String(retries), "--json"]);
  return {
    r,
    path,
    puts: proxy
      .requests()
      .filter(isManifestPut)
      .map((req) => req.status),
  };
}

describe.each(tools)("$tool", ({ flags }) => {
  it("503 twice, then success: retried, pushed, three manifest PUTs", async () => {
    const { r, path, puts } = await pushThrough(flags, failManifestPuts(503, 2), 2);
    expectSuccess(r);
    expect(puts, describeRun(r)).toEqual([503, 503, 201]);
    const [entry] = jsonImages(r);
    expect(entry?.status).toBe("pushed");
    await expectDigestsServed(plain, path, apim.tag, jsonImages(r));
  });

  it("--retries 0: the first 503 fails the image after one manifest PUT", async () => {
    const { r, path, puts } = await pushThrough(flags, failManifestPuts(503, 2), 0);
    expect(r.code, describeRun(r)).toBe(EXIT.failed);
    expect(puts).toEqual([503]);
    expect(jsonImages(r)[0]?.error?.code).toBe("REGISTRY_ERROR");
    expect(await new RegistryClient(plain).manifest(`${path}/${image}`, apim.tag)).toBeUndefined();
  });

  it("401 is not retried: one manifest PUT, AUTH_REJECTED", async () => {
    const { r, path, puts } = await pushThrough(flags, failManifestPuts(401), 2);
    expect(r.code, describeRun(r)).toBe(EXIT.failed);
    expect(puts).toEqual([401]);
    expect(jsonImages(r)[0]?.error?.code).toBe("AUTH_REJECTED");
    expect(await new RegistryClient(plain).manifest(`${path}/${image}`, apim.tag)).toBeUndefined();
  });
});

describe("podman: uploads cut mid-stream", () => {
  // podman retries some cuts itself (a reset connection) and not others
  // (a closed one), so the proxy cuts every upload of the first `podman
  // push`, whatever podman does inside it, and none of the second.
  const pushesOf = (spy: ToolSpy) => spy.calls("podman").filter((line) => line.startsWith("push ")).length;
  const cuts = () => proxy?.requests().filter((req) => req.status === 0).length ?? 0;

  async function pushWhileCutting(retries: number) {
    const spy = toolSpy(["podman"]);
    proxy = await startStandInProxy(
      plain,
      cutBlobUploadsWhile(() => pushesOf(spy) < 2),
    );
    const path = uniqueName();
    const r = await runCli(
      ["-r", `${proxy.registry.host}/${path}`, ...tools[0].flags, "-i", image, "--retries", String(retries), "--json"],
      { env: { PATH: spy.path } },
    );
    return { r, path, pushes: pushesOf(spy) };
  }

  it("are retried with a new push: pushed on the second attempt", async () => {
    const { r, path, pushes } = await pushWhileCutting(1);
    expectSuccess(r);
    expect(cuts()).toBeGreaterThan(0);
    expect(pushes).toBe(2);
    expect(jsonImages(r)[0]).toMatchObject({ status: "pushed", attempts: 2 });
    expect(r.stderr).toMatch(/retrying +apim-le-trafficmanager .*\(attempt 2 of 2\)/);
    await expectDigestsServed(plain, path, apim.tag, jsonImages(r));
  });

  it("with --retries 0 fail the image: CONNECTION_LOST, with a fix", async () => {
    const { r, path, pushes } = await pushWhileCutting(0);
    expect(r.code, describeRun(r)).toBe(EXIT.failed);
    expect(pushes).toBe(1);
    expect(jsonImages(r)[0]?.error).toMatchObject({
      code: "CONNECTION_LOST",
      hint: expect.stringContaining("run push-images again"),
    });
    expect(await new RegistryClient(plain).manifest(`${path}/${image}`, apim.tag)).toBeUndefined();
  });
});
