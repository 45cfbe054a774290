/**
 * src/registry/http.ts on undici, for real, against servers on 127.0.0.1:
 * pooled connections, the idle timeout, undici's errors as Node codes, and
 * requests through a forward proxy (the e2e bed's helper) that alone
 * resolves `registry.pib.test`.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { normalizedError } from "../../src/registry/http-errors.ts";
import { send } from "../../src/registry/http.ts";
import { RegistryAgent } from "../../src/registry/registry-agent.ts";
import { startForwardProxy, type ForwardProxy } from "../e2e/helpers/forward-proxy.ts";
import { setUp } from "./harness.ts";
import { startTinyRegistry, type TinyRegistry } from "./tiny-registry.ts";

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(() => new Promise((resolve) => server.close(resolve)));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function tinyRegistry(): Promise<TinyRegistry> {
  const registry = await startTinyRegistry();
  closers.push(() => registry.close());
  return registry;
}

async function forwardProxy(hosts: Record<string, string>): Promise<ForwardProxy> {
  const proxy = await startForwardProxy({ hosts });
  closers.push(() => proxy.close());
  return proxy;
}

function agent(env: NodeJS.ProcessEnv = {}): RegistryAgent {
  const made = new RegistryAgent({ verify: true, env });
  closers.push(() => made.close());
  return made;
}

describe("connections", () => {
  it("are kept alive: six requests one after the other, HEADs among them, over one connection", async () => {
    let connections = 0;
    const server = createServer((_req, res) => res.end("{}"));
    server.on("connection", () => (connections += 1));
    const host = await listen(server);
    const through = agent();
    for (let i = 0; i < 6; i++) {
      const method = i % 2 === 0 ? "HEAD" : "GET";
      expect((await send(`http://${host}/v2/`, { method, verify: true, agent: through })).status).toBe(200);
    }
    expect(connections).toBe(1);
  });

  it("plain HTTP is shared by the agents of one env: the registry-type probe's connection is preflight's", async () => {
    let connections = 0;
    const server = createServer((_req, res) => res.end("{}"));
    server.on("connection", () => (connections += 1));
    const host = await listen(server);
    const env = {};
    const [unverified, verified] = [new RegistryAgent({ verify: false, env }), new RegistryAgent({ verify: true, env })];
    closers.push(() => verified.close());
    await send(`http://${host}/api/v2.0/systeminfo`, { verify: false, agent: unverified });
    await send(`http://${host}/v2/`, { verify: true, agent: verified });
    expect(connections).toBe(1);
  });

  it("a server that never answers: ETIMEDOUT after timeoutMs", async () => {
    const host = await listen(createServer(() => undefined));
    const started = performance.now();
    await expect(send(`http://${host}/v2/`, { verify: true, agent: agent(), timeoutMs: 300 })).rejects.toMatchObject({
      code: "ETIMEDOUT",
    });
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it("headers come back with lower-case names, the body as text", async () => {
    const host = await listen(
      createServer((_req, res) => res.writeHead(200, { "Docker-Content-Digest": "sha256:abc" }).end("hello")),
    );
    const response = await send(`http://${host}/x`, { verify: true, agent: agent() });
    expect([response.headers["docker-content-digest"], response.body]).toEqual(["sha256:abc", "hello"]);
  });
});

describe("undici's errors as Node's codes", () => {
  const target = new URL("https://registry.example.com/v2/");
  const direct = { via: "direct", because: "no proxy variable" } as const;
  it.each([
    ["UND_ERR_CONNECT_TIMEOUT", undefined, "ETIMEDOUT"],
    ["UND_ERR_HEADERS_TIMEOUT", undefined, "ETIMEDOUT"],
    ["UND_ERR_BODY_TIMEOUT", undefined, "ETIMEDOUT"],
    ["UND_ERR_SOCKET", undefined, "ECONNRESET"],
    ["UND_ERR_SOCKET", "EPIPE", "EPIPE"],
    ["UND_ERR_CLOSED", undefined, "ECONNRESET"],
    ["ECONNREFUSED", undefined, "ECONNREFUSED"],
  ])("%s (cause %s): %s", (code, causeCode, expected) => {
    const cause = causeCode ? Object.assign(new Error("cause"), { code: causeCode }) : undefined;
    const error = Object.assign(new Error("undici"), { code, cause });
    expect(normalizedError(error, target, direct)).toMatchObject({ code: expected });
  });
});

describe("through a forward proxy", () => {
  it("preflight reaches a registry only the proxy can resolve (https tried in a tunnel, then http in absolute form)", async () => {
    const registry = await tinyRegistry();
    const port = registry.host.split(":")[1];
    const proxy = await forwardProxy({ [`registry.pib.test:${port}`]: registry.host });
    const env = { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url };
    const { runner, logged } = setUp({
      flags: { registry: `registry.pib.test:${port}/p`, containerTool: "podman", image: ["apim-le-cache"], noTlsVerify: true },
      env,
      probeRegistry: true,
      store: registry.store,
    });

    const report = await runner.run();
    expect(report.results.map((r) => [r.status, r.error?.message])).toEqual([["pushed", undefined]]);
    const log = proxy.log().map((e) => `${e.method} ${e.target}`);
    expect(log).toContain(`CONNECT registry.pib.test:${port}`);
    expect(log).toContain(`GET http://registry.pib.test:${port}/v2/`);
    expect(logged.join("\n")).toContain(
      `go through the proxy ${proxy.url} (HTTPS_PROXY) over https, through the proxy ${proxy.url} (HTTP_PROXY) over http`,
    );
  });

  it("an http registry the proxy cannot resolve: its 502 is PROXY_CANNOT_REACH_REGISTRY, not the registry's answer", async () => {
    const proxy = await forwardProxy({});
    const failure = send("http://unknown.pib.test:5000/v2/", { verify: true, agent: agent({ HTTP_PROXY: proxy.url }) });
    await expect(failure).rejects.toMatchObject({ code: "PROXY_CANNOT_REACH_REGISTRY", transient: true });
    await expect(failure).rejects.toThrow(
      `the proxy ${proxy.url} (from HTTP_PROXY) could not reach unknown.pib.test:5000 (HTTP 502)`,
    );
  });

  it("a proxy variable that is no URL: a USAGE error (exit 2) naming it", async () => {
    const failure = send("https://registry.example.com/v2/", { verify: true, agent: agent({ https_proxy: "ftp://proxy.corp" }) });
    await expect(failure).rejects.toMatchObject({ code: "USAGE", exitCode: 2 });
    await expect(failure).rejects.toThrow('https_proxy="ftp://proxy.corp" is not a proxy URL');
  });
});
