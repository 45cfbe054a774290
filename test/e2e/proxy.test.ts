/**
 * Behind a company proxy: HTTPS_PROXY / HTTP_PROXY / NO_PROXY as podman
 * honours them. The registry is named `registry.pib.test:<port>`, a name
 * only the forward proxy (helpers/forward-proxy.ts) resolves, so a request
 * that did not go through it cannot reach the registry. The proxy's log is
 * held against the registry's own access log: every request the registry
 * saw came through the proxy, ours (User-Agent push-images/...) included.
 * With only HTTP_PROXY set, a plain-HTTP registry still works with -t.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestsUnder } from "./helpers/access-log.ts";
import { uniqueName, useBed, type BedRegistry } from "./helpers/bed.ts";
import { runCli } from "./helpers/cli.ts";
import { enginelessPath } from "./helpers/engineless.ts";
import { describeRun, expectError, expectSuccess } from "./helpers/expect-cli.ts";
import { expectImage } from "./helpers/expect-registry.ts";
import { startForwardProxy, type ForwardProxy, type ProxyLogEntry } from "./helpers/forward-proxy.ts";
import { testDir } from "./helpers/local-tools.ts";
import { buildOperatorImages, operator } from "./helpers/operator.ts";

const bed = useBed();
const { plain, tls } = bed.registries;
const image = "apim-le-cache";
const { tag, podmanIds } = bed.images.defaults;
const NAME = "registry.pib.test";
const port = (registry: BedRegistry) => registry.host.slice(registry.host.lastIndexOf(":") + 1);
/** The registry under the name only the proxy resolves. */
const named = (registry: BedRegistry) => `${NAME}:${port(registry)}`;

let proxy: ForwardProxy;
let bundle: string;

/** The proxy variables of a run, and none of the test runner's own. */
function proxyEnv(proxyUrl: string, extra: Record<string, string> = {}): Record<string, string | undefined> {
  return {
    HTTP_PROXY: proxyUrl,
    HTTPS_PROXY: proxyUrl,
    NO_PROXY: undefined,
    http_proxy: undefined,
    https_proxy: undefined,
    no_proxy: undefined,
    ...extra,
  };
}

/** `METHOD /path?query` of each request under `/v2/<path>/`, sorted: what the proxy forwarded and what the registry logged. */
const forwardedUnder = (entries: readonly ProxyLogEntry[], path: string) =>
  entries
    .filter((e) => e.method !== "CONNECT" && new URL(e.target).pathname.startsWith(`/v2/${path}/`))
    .map((e) => `${e.method} ${new URL(e.target).pathname}${new URL(e.target).search}`)
    .sort();
const loggedUnder = (registry: BedRegistry, path: string) =>
  requestsUnder(registry, path)
    .map((r) => `${r.method} ${r.path}`)
    .sort();
const ours = (entries: readonly ProxyLogEntry[]) => entries.filter((e) => e.userAgent.startsWith("push-images/"));

beforeAll(async () => {
  proxy = await startForwardProxy({ hosts: { [named(plain)]: plain.host, [named(tls)]: tls.host } });
  bundle = join(testDir(), "proxy.tar");
  expectSuccess(await runCli(["save", "-o", bundle, "-c", "podman", "-i", image]));
});

afterAll(async () => {
  await proxy.close();
});

describe("HTTP_PROXY and HTTPS_PROXY point at the proxy; -r names a host only it resolves", () => {
  it("-c podman -t: pushed; the registry saw only requests through the proxy, our preflight, look-up and read-back too", async () => {
    const path = uniqueName();
    const r = await runCli(["-r", `${named(plain)}/${path}`, "-c", "podman", "-t", "-i", image, "-v"], {
      env: proxyEnv(proxy.url),
    });

    expectSuccess(r);
    const way = (variable: string) => `through the proxy ${proxy.url} (${variable})`;
    const said = `requests of push-images to ${named(plain)} go ${way("HTTPS_PROXY")} over https, ${way("HTTP_PROXY")} over http`;
    expect(r.stderr).toContain(said);
    // Before the registry is asked directly below.
    const log = proxy.log();
    expect(forwardedUnder(log, path), "the proxy forwarded what the registry logged").toEqual(loggedUnder(plain, path));
    await expectImage(plain, `${path}/${image}`, tag, podmanIds[image] as string);
    const manifest = `http://${named(plain)}/v2/${path}/${image}/manifests/${tag}`;
    const mine = ours(log).map((e) => `${e.method} ${e.target}`);
    expect(mine, "preflight").toContain(`GET http://${named(plain)}/v2/`);
    expect(
      mine.filter((line) => line === `GET ${manifest}`).length,
      "the up-to-date look-up and the read-back",
    ).toBeGreaterThanOrEqual(2);
  });

  it("--from-archive with no engine on PATH: pushed, every request through the proxy", async () => {
    const path = uniqueName();
    const r = await runCli(["--from-archive", bundle, "-r", `${named(plain)}/${path}`, "-t", "-i", image], {
      env: { ...proxyEnv(proxy.url), PATH: enginelessPath() },
    });

    expectSuccess(r);
    const forwarded = forwardedUnder(proxy.log(), path);
    expect(forwarded, "the proxy forwarded what the registry logged").toEqual(loggedUnder(plain, path));
    await expectImage(plain, `${path}/${image}`, tag, podmanIds[image] as string);
    expect(
      forwarded.filter((line) => /^(PUT|PATCH) .*\/blobs\/uploads\//.test(line)).length,
      "the blobs went up through it",
    ).toBeGreaterThan(0);
    expect(forwardedUnder(ours(proxy.log()), path), "all of them ours").toEqual(forwarded);
  });

  it("the TLS registry: through a CONNECT tunnel, TLS end to end (-t to push; without it its certificate is still checked)", async () => {
    const path = uniqueName();
    const env = { ...proxyEnv(proxy.url), PATH: enginelessPath() };
    const connectsBefore = proxy.log().filter((e) => e.method === "CONNECT" && e.target === named(tls)).length;
    const r = await runCli(["--from-archive", bundle, "-r", `${named(tls)}/${path}`, "-t", "-i", image], { env });

    expectSuccess(r);
    await expectImage(tls, `${path}/${image}`, tag, podmanIds[image] as string);
    const log = proxy.log();
    expect(log.filter((e) => e.method === "CONNECT" && e.target === named(tls)).length, "tunnels opened").toBeGreaterThan(
      connectsBefore,
    );
    expect(
      log.filter((e) => e.method !== "CONNECT" && e.target.startsWith(`http://${named(tls)}/v2/`)),
      "no registry request in the clear",
    ).toEqual([]);
    expect(requestsUnder(tls, path).filter((req) => req.method === "PUT" && req.path.includes("/manifests/"))).toHaveLength(1);

    // The certificate names 127.0.0.1, not registry.pib.test: checked through the tunnel, it does not match.
    const checked = await runCli(["--from-archive", bundle, "-r", `${named(tls)}/${uniqueName()}`, "-i", image], { env });
    expect(expectError(checked, 1, "TLS_UNTRUSTED")).toContain(named(tls));
  });

  it("rootless podman as the operator, with the variables in its environment", async () => {
    const ids = await buildOperatorImages([image], bed.images.defaults.path, tag);
    const path = uniqueName();
    const r = await runCli(["-r", `${named(plain)}/${path}`, "-c", "podman", "-t", "-i", image], {
      as: operator(),
      env: proxyEnv(proxy.url),
    });

    expectSuccess(r);
    expect(forwardedUnder(proxy.log(), path)).toEqual(loggedUnder(plain, path));
    await expectImage(plain, `${path}/${image}`, tag, ids[image] as string);
  }, 120_000);
});

describe("only HTTP_PROXY (no HTTPS_PROXY): the plain-HTTP registry is reachable through it alone", () => {
  // The https attempt goes direct and cannot resolve the name; with -t it is tried over http, as podman and skopeo do.
  const httpOnly = () => ({ ...proxyEnv(proxy.url), HTTPS_PROXY: undefined });

  it("--from-archive -t with no engine on PATH: pushed, every request through the proxy", async () => {
    const path = uniqueName();
    const r = await runCli(["--from-archive", bundle, "-r", `${named(plain)}/${path}`, "-t", "-i", image], {
      env: { ...httpOnly(), PATH: enginelessPath() },
    });

    expectSuccess(r);
    // Before the registry is asked directly below.
    expect(forwardedUnder(proxy.log(), path), "the proxy forwarded what the registry logged").toEqual(loggedUnder(plain, path));
    await expectImage(plain, `${path}/${image}`, tag, podmanIds[image] as string);
  });

  it("-c podman -t: pushed; our look-up and read-back went through the proxy", async () => {
    const path = uniqueName();
    const r = await runCli(["-r", `${named(plain)}/${path}`, "-c", "podman", "-t", "-i", image], { env: httpOnly() });

    expectSuccess(r);
    await expectImage(plain, `${path}/${image}`, tag, podmanIds[image] as string);
    const manifest = `GET http://${named(plain)}/v2/${path}/${image}/manifests/${tag}`;
    expect(ours(proxy.log()).filter((e) => `${e.method} ${e.target}` === manifest).length).toBeGreaterThanOrEqual(2);
  });
});

describe("NO_PROXY and the proxy's own failures", () => {
  it("NO_PROXY=registry.pib.test: the tool goes direct, cannot resolve the name, and says NO_PROXY sent it there", async () => {
    const path = uniqueName();
    const before = proxy.log().length;
    const r = await runCli(["--from-archive", bundle, "-r", `${named(plain)}/${path}`, "-t", "-i", image, "-v"], {
      env: { ...proxyEnv(proxy.url, { NO_PROXY: NAME }), PATH: enginelessPath() },
    });

    const text = expectError(r, 1, "REGISTRY_UNREACHABLE");
    expect(text).toContain(`cannot reach the registry ${named(plain)}`);
    expect(text).toContain(`HTTPS_PROXY is set, but NO_PROXY entry "${NAME}" sends requests to ${NAME} direct, past the proxy`);
    expect(text).toContain(`remove "${NAME}" from NO_PROXY`);
    expect(r.stderr).toContain(`requests of push-images to ${named(plain)} go direct (NO_PROXY entry "${NAME}")`);
    expect(proxy.log().slice(before), "nothing went to the proxy").toEqual([]);
  });

  it("a name the proxy cannot resolve: PROXY_CANNOT_REACH_REGISTRY, naming the proxy and NO_PROXY as the way round it", async () => {
    const r = await runCli(["--from-archive", bundle, "-r", `unknown.pib.test:5000/${uniqueName()}`, "-t", "-i", image], {
      env: { ...proxyEnv(proxy.url), PATH: enginelessPath() },
    });

    const text = expectError(r, 1, "PROXY_CANNOT_REACH_REGISTRY");
    expect(text).toContain(`the proxy ${proxy.url} (from HTTPS_PROXY) could not reach unknown.pib.test:5000 (HTTP 502)`);
    expect(text).toContain("add unknown.pib.test to NO_PROXY");
  });

  it("a proxy that is not there: PROXY_UNREACHABLE, naming it and the variable", async () => {
    const gone = await startForwardProxy({ hosts: {} });
    await gone.close();
    const r = await runCli(["--from-archive", bundle, "-r", `${named(plain)}/${uniqueName()}`, "-t", "-i", image], {
      env: { ...proxyEnv(gone.url), PATH: enginelessPath() },
    });

    const text = expectError(r, 1, "PROXY_UNREACHABLE");
    expect(text).toContain(`cannot connect to the proxy ${gone.url} (from HTTPS_PROXY)`);
  });

  it("a proxy that wants a login: PROXY_AUTH_REQUIRED without one; user:password in the URL is sent, and never shown", async () => {
    const credentials = { username: "ci", password: "pr0xy-s3cret" };
    const guarded = await startForwardProxy({ hosts: { [named(plain)]: plain.host }, credentials });
    try {
      const args = ["--from-archive", bundle, "-t", "-i", image, "-v"];
      const env = (url: string) => ({ ...proxyEnv(url), PATH: enginelessPath() });
      const refused = await runCli([...args, "-r", `${named(plain)}/${uniqueName()}`], { env: env(guarded.url) });
      expect(expectError(refused, 1, "PROXY_AUTH_REQUIRED")).toContain(
        `the proxy ${guarded.url} (from HTTPS_PROXY) wants credentials (HTTP 407)`,
      );

      const path = uniqueName();
      const withLogin = guarded.url.replace("http://", `http://${credentials.username}:${credentials.password}@`);
      const r = await runCli([...args, "-r", `${named(plain)}/${path}`], { env: env(withLogin) });
      expectSuccess(r);
      await expectImage(plain, `${path}/${image}`, tag, podmanIds[image] as string);
      expect(r.stderr).toContain(`through the proxy http://ci:***@${guarded.url.slice("http://".length)} (HTTPS_PROXY)`);
      expect(`${r.stdout}${r.stderr}`, describeRun(r)).not.toContain(credentials.password);
    } finally {
      await guarded.close();
    }
  });
});

describe("a proxy variable that is no URL", () => {
  it("exit 2, USAGE naming the variable and its value; nothing pushed", async () => {
    const path = uniqueName();
    const r = await runCli(["--from-archive", bundle, "-r", `${named(plain)}/${path}`, "-t", "-i", image], {
      env: { ...proxyEnv("http://[broken"), PATH: enginelessPath() },
    });

    expect(expectError(r, 2, "USAGE")).toContain('HTTPS_PROXY="http://[broken" is not a proxy URL');
    expect(requestsUnder(plain, path)).toEqual([]);
  });
});

describe("-c docker", () => {
  it("with a proxy variable set, -v says dockerd uses its own proxy settings", async () => {
    const path = uniqueName();
    const r = await runCli(["-r", `${plain.host}/${path}`, "-c", "docker", "-i", image, "-v"], { env: proxyEnv(proxy.url) });

    expectSuccess(r);
    expect(r.stderr).toContain(
      "HTTPS_PROXY and HTTP_PROXY apply to the requests of push-images only: dockerd pushes with its own proxy settings",
    );
    expect(r.stderr, "the registry on loopback is never proxied").toContain(
      `requests of push-images to ${plain.host} go direct (a loopback address is never proxied)`,
    );
  });
});
