/**
 * Self-signed TLS, plain HTTP and -t, with both tools. podman verifies TLS
 * unless -t; dockerd decides by its insecure-registries list, which covers
 * 127.0.0.0/8 and the loopback TLS registry but not the namespace one.
 */
import { describe, expect, it } from "vitest";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { runCli } from "./helpers/cli.ts";
import { EXIT, expectError, expectSuccess } from "./helpers/expect-cli.ts";
import { expectNoTrace, expectPushed, pick } from "./helpers/expect-registry.ts";

const bed = useBed();
const { plain, tls, remoteTls } = bed.registries;
const apim = bed.images.defaults;
const image = "apim-le-cacheloader";
const one = [image];

describe("podman", () => {
  it.each([
    ["loopback", tls],
    ["non-loopback", remoteTls],
  ] as const)("%s self-signed TLS without -t: the error says to use -t", async (_where, registry) => {
    const token = uniqueName();
    const r = await runCli(["-r", `${registry.host}/${token}`, "-c", "podman", "-i", image]);
    const error = expectError(r, EXIT.failed, "TLS_UNTRUSTED");
    expect(error).toMatch(/certificate/i);
    expect(error).toMatch(/(^|\s)-t\b/);
    await expectNoTrace(token);
  });

  it("self-signed TLS with -t pushes everything", async () => {
    const path = uniqueName();
    expectSuccess(await runCli(["-r", `${tls.host}/${path}`, "-c", "podman", "-t"]));
    await expectPushed(tls, path, apim.tag, apim.podmanIds);
  });

  it("non-loopback self-signed TLS with -t pushes", async () => {
    const path = uniqueName();
    expectSuccess(await runCli(["-r", `${remoteTls.host}/${path}`, "-c", "podman", "-t", "-i", image]));
    await expectPushed(remoteTls, path, apim.tag, pick(apim.podmanIds, one));
  });

  it("a plain HTTP registry without -t: the error says to use -t", async () => {
    const token = uniqueName();
    const r = await runCli(["-r", `${plain.host}/${token}`, "-c", "podman", "-i", image]);
    const error = expectError(r, EXIT.failed, "REGISTRY_HTTP_ONLY");
    expect(error).toMatch(/(^|\s)-t\b/);
    await expectNoTrace(token);
  });
});

describe("docker", () => {
  it("-t with a TLS registry in the daemon's insecure-registries pushes everything", async () => {
    const path = uniqueName();
    expectSuccess(await runCli(["-r", `${tls.host}/${path}`, "-c", "docker", "-t"]));
    await expectPushed(tls, path, apim.tag, apim.dockerIds);
  });

  it("-t with a registry covered by the daemon's 127.0.0.0/8 insecure range pushes", async () => {
    const path = uniqueName();
    expectSuccess(await runCli(["-r", `${plain.host}/${path}`, "-c", "docker", "-t", "-i", image]));
    await expectPushed(plain, path, apim.tag, pick(apim.dockerIds, one));
  });

  it("-t with a registry that is not in insecure-registries: INSECURE_REGISTRY_NOT_CONFIGURED", async () => {
    const token = uniqueName();
    const r = await runCli(["-r", `${remoteTls.host}/${token}`, "-c", "docker", "-t", "-i", image]);
    const error = expectError(r, EXIT.failed, "INSECURE_REGISTRY_NOT_CONFIGURED");
    expect(error).toContain(remoteTls.host);
    expect(error).toContain("insecure-registries");
    await expectNoTrace(token);
  });

  it("a self-signed registry that is not in insecure-registries, without -t: TLS_UNTRUSTED", async () => {
    const token = uniqueName();
    const r = await runCli(["-r", `${remoteTls.host}/${token}`, "-c", "docker", "-i", image]);
    expectError(r, EXIT.failed, "TLS_UNTRUSTED");
    await expectNoTrace(token);
  });
});
