/**
 * src/options/registry-type.ts: --registry-type wins; else the host name tells the
 * hosted registries apart; else a registry answering Harbor's systeminfo
 * API (a stand-in server here: no Harbor can run in these tests) is Harbor;
 * else generic.
 */
import { createServer, type AddressInfo, type Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { parseRegistryType, REGISTRY_TYPES, registryTypeOfHost, resolveRegistryType } from "../../src/options/registry-type.ts";
import { thrownBy } from "./harness.ts";
import { closedPort, startTinyRegistry, type StoredRequest, type TinyRegistry } from "./tiny-registry.ts";

let server: TinyRegistry | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("registryTypeOfHost", () => {
  it.each([
    ["gcr.io", "gcr"],
    ["eu.gcr.io", "gcr"],
    ["asia.gcr.io", "gcr"],
    ["GCR.IO", "gcr"],
    ["us-docker.pkg.dev", "artifact-registry"],
    ["europe-west1-docker.pkg.dev", "artifact-registry"],
    ["123456789012.dkr.ecr.us-east-1.amazonaws.com", "ecr"],
    ["123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com", "ecr"],
    ["123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn", "ecr"],
    ["docker.io", "dockerhub"],
    ["index.docker.io", "dockerhub"],
    ["registry-1.docker.io", "dockerhub"],
    ["quay.io", "quay"],
    ["quay.io:443", "quay"],
  ])("%s: %s", (host, type) => {
    expect(registryTypeOfHost(host)).toBe(type);
  });

  it.each([
    "reg.example.com",
    "127.0.0.1:5000",
    "localhost:5000",
    "notgcr.io",
    "a.b.gcr.io",
    "gcr.io.example.com",
    "docker-pkg.dev",
    "us-docker.pkg.dev.example.com",
    "12345.dkr.ecr.us-east-1.amazonaws.com",
    "123456789012.dkr.ecr.us-east-1.amazonaws.com.example.com",
    "hub.docker.io",
    "quay.io.example.com",
    "myquay.io",
  ])("%s: none", (host) => {
    expect(registryTypeOfHost(host)).toBeUndefined();
  });
});

describe("parseRegistryType", () => {
  it.each(REGISTRY_TYPES)("%s", (type) => {
    expect(parseRegistryType(type)).toBe(type);
  });

  it("lists the known types", () => {
    expect(REGISTRY_TYPES).toEqual(["generic", "harbor", "gcr", "artifact-registry", "ecr", "dockerhub", "quay"]);
  });

  it.each(["Harbor", "docker-hub", "gar", ""])("%j: USAGE (exit 2) listing the types", (value) => {
    expect(thrownBy(() => parseRegistryType(value))).toMatchObject({
      code: "USAGE",
      exitCode: 2,
      message: `--registry-type ${JSON.stringify(value)} is not a known registry type`,
      hint: "use one of: generic, harbor, gcr, artifact-registry, ecr, dockerhub, quay",
    });
  });
});

describe("resolveRegistryType", () => {
  /** Answers GET /api/v2.0/systeminfo with `body`. */
  const systemInfo = (body: string) => (request: StoredRequest) =>
    request.path === "/api/v2.0/systeminfo" ? { status: 200, headers: { "Content-Type": "application/json" }, body } : undefined;

  it("--registry-type wins over the host", async () => {
    expect(await resolveRegistryType("quay.io", "generic")).toBe("generic");
    expect(await resolveRegistryType("reg.example.com", "harbor")).toBe("harbor");
  });

  it("a known host needs no probe", async () => {
    expect(await resolveRegistryType("gcr.io", undefined)).toBe("gcr");
  });

  it("a registry answering /api/v2.0/systeminfo with auth_mode is Harbor", async () => {
    server = await startTinyRegistry();
    server.store.route(systemInfo('{"auth_mode":"db_auth","harbor_version":"v2.11.0"}'));
    expect(await resolveRegistryType(server.host, undefined)).toBe("harbor");
    expect(server.store.paths()).toEqual(["/api/v2.0/systeminfo"]);
  });

  it("a registry without that API is generic", async () => {
    server = await startTinyRegistry();
    expect(await resolveRegistryType(server.host, undefined)).toBe("generic");
  });

  it("a 200 without auth_mode is not Harbor", async () => {
    server = await startTinyRegistry();
    server.store.route(systemInfo('{"status":"ok"}'));
    expect(await resolveRegistryType(server.host, undefined)).toBe("generic");
  });

  it("an unreachable registry is generic (preflight reports it)", async () => {
    expect(await resolveRegistryType(`127.0.0.1:${await closedPort()}`, undefined)).toBe("generic");
  });

  it("asks https and http at the same time", async () => {
    // One port for both schemes: a TLS hello (0x16) is dropped, plain HTTP
    // answered as Harbor, each after a pause standing in for a distant registry.
    const body = '{"auth_mode":"db_auth"}';
    let open = 0;
    let peak = 0;
    const schemes: string[] = [];
    const raw = createServer((socket: Socket) => {
      peak = Math.max(peak, ++open);
      socket.on("close", () => void open--);
      socket.once("data", async (chunk: Buffer) => {
        schemes.push(chunk[0] === 0x16 ? "https" : "http");
        await sleep(100);
        if (chunk[0] === 0x16) socket.destroy();
        else
          socket.end(
            `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
          );
      });
    });
    await new Promise<void>((resolve) => raw.listen(0, "127.0.0.1", resolve));
    try {
      expect(await resolveRegistryType(`127.0.0.1:${(raw.address() as AddressInfo).port}`, undefined)).toBe("harbor");
      expect(schemes.sort()).toEqual(["http", "https"]);
      expect(peak).toBe(2);
    } finally {
      await new Promise((resolve) => raw.close(resolve));
    }
  });
});
