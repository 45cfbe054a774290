/**
 * Bearer tokens that expire mid-run: a registry of the test's own behind a
 * token server whose tokens the registry accepts for 3 seconds
 * (helpers/token-registry.ts), and pushes that last several times as long.
 * Each succeeds with every image pushed at its first attempt (a token
 * renewed is no retry), and the token server's log shows the same scope
 * granted more than once: the tool renewed its tokens. The user is a robot
 * account (`robot$...+ci`), so its `$` and `+` cross every token request.
 * - --from-archive, no engine on PATH, through a 1 MiB/s uplink: a bundle
 *   from `save` whose shared base layer takes ~10 s to send and is then
 *   mounted into the other image's repository, and a `podman save` archive whose
 *   layer is sent in one ~10 s PATCH before the PUT that closes it.
 * - podman, -j 1, with a site plugin taking 1.5 s before each push: podman
 *   pushes with tokens of its own; the up-to-date checks (made as the run
 *   starts) and the read-backs are ours, renewed before they expire, so the
 *   registry refuses none of them. podman's pushes stay short: podman
 *   4.3 keeps any token for at least 60 s (measured: a 6 s push through the
 *   slow uplink fails with 401 on the PUT that closes its layer).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpGet } from "../bed/http.ts";
import { requestsUnder } from "./helpers/access-log.ts";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { sourceFlags } from "./helpers/tool-flags.ts";
import { runCli, type CliResult } from "./helpers/cli.ts";
import { enginelessPath } from "./helpers/engineless.ts";
import { describeRun, expectSuccess } from "./helpers/expect-cli.ts";
import { expectPushed } from "./helpers/expect-registry.ts";
import { jsonImages } from "./helpers/json-report.ts";
import { isolatedLogins, testDir, tool } from "./helpers/local-tools.ts";
import { pluginFile } from "./helpers/plugins-files.ts";
import { sharedLayerImages, type SharedLayerImages } from "./helpers/shared-layer-images.ts";
import { startSlowUplink, type SlowUplink } from "./helpers/slow-uplink.ts";
import { startTokenRegistry, type TokenRegistry } from "./helpers/token-registry.ts";
import type { TokenRequest } from "./helpers/token-server.ts";

const LIFETIME_S = 3;
const UPLINK_BYTES_PER_S = 1024 * 1024;
const BASE_BYTES = 10 * 1024 * 1024;
const bed = useBed();
const sourcePath = uniqueName("tokens");
let images: SharedLayerImages;
let ids: Record<string, string>;
let tokens: TokenRegistry;
let link: SlowUplink;
let bundle: string;
let dockerArchive: string;

beforeAll(async () => {
  tokens = await startTokenRegistry(uniqueName("tokreg"), LIFETIME_S);
  link = await startSlowUplink(tokens.registry.host, UPLINK_BYTES_PER_S);
  images = await sharedLayerImages("podman", sourcePath, "v1", BASE_BYTES);
  ids = Object.fromEntries(images.images.map((image, i) => [image, images.ids[i] ?? ""]));
  bundle = join(testDir(), "bundle.tar");
  const selected = images.images.flatMap((i) => ["-i", i]);
  expectSuccess(await runCli(["save", "-o", bundle, "-c", "podman", "-p", sourcePath, "-s", "v1", ...selected]));
  dockerArchive = join(testDir(), "podman-save.tar");
  await tool("podman", ["save", "--format", "docker-archive", "-o", dockerArchive, images.refs[0] ?? ""]);
});

afterAll(async () => {
  await link?.close();
  await tokens?.close();
  await tool("podman", ["rmi", ...(images?.refs ?? []), `${sourcePath}/shared-base:v1`]);
});

/** A stored login for `host` in an auth file of the test's own (an engine-less host has no podman to log in with). */
function storedLogin(host: string): { REGISTRY_AUTH_FILE: string } {
  const { username, password } = tokens.registry.credentials;
  const file = join(testDir(), "auth.json");
  writeFileSync(file, JSON.stringify({ auths: { [host]: { auth: Buffer.from(`${username}:${password}`).toString("base64") } } }));
  return { REGISTRY_AUTH_FILE: file };
}

/** Runs the program, and the token requests it made itself (podman's own say `containers/...` in their User-Agent). */
async function timedRun(args: readonly string[], env: Record<string, string>) {
  const before = tokens.tokenRequests().length;
  const started = performance.now();
  const r = await runCli(args, { env });
  const seconds = (performance.now() - started) / 1000;
  const ours = tokens
    .tokenRequests()
    .slice(before)
    .filter((request) => !request.userAgent.startsWith("containers/"));
  return { r, seconds, ours };
}

/** Scopes (a request's entries joined) granted more than once: tokens renewed. */
function renewedScopes(requests: readonly TokenRequest[]): string[] {
  const counts = new Map<string, number>();
  for (const { scopes } of requests) counts.set(scopes.join(" "), (counts.get(scopes.join(" ")) ?? 0) + 1);
  return [...counts].filter(([, count]) => count > 1).map(([scope]) => scope);
}

/** Exit 0, each image pushed at its first attempt with no retry shown, and tokens renewed over a run several lifetimes long. */
function expectPushedThroughRenewals(
  run: { r: CliResult; seconds: number; ours: readonly TokenRequest[] },
  images: readonly string[],
) {
  const { r, seconds, ours } = run;
  expectSuccess(r);
  const report = jsonImages(r);
  expect(
    report.map((i) => [i.image, i.status, i.attempts]),
    describeRun(r),
  ).toEqual([...images].sort().map((i) => [i, "pushed", 1]));
  expect(r.stderr, "a renewed token is no retry").not.toMatch(/retrying/);
  expect(seconds, "the push outlives a token several times over").toBeGreaterThan(3 * LIFETIME_S);
  const { username } = tokens.registry.credentials;
  // After the pushes, one anonymous pull asks whether the cluster needs a pull secret (README: After the push).
  const logged = ours.filter((request) => request.account !== undefined);
  expect(ours.length - logged.length, "anonymous token requests: the pull-access check's").toBeLessThanOrEqual(1);
  const asked = logged.map((request) => [request.account, request.status]);
  expect(asked, "token requests of the robot account").toEqual(logged.map(() => [username, 200]));
  expect(renewedScopes(ours), `scopes granted more than once in ${JSON.stringify(ours.map((t) => t.scopes))}`).not.toEqual([]);
}

describe("the test bed: a registry that takes 3-second tokens from the token server", () => {
  /** A token for `scope` from the realm and service the registry's challenge names. */
  const token = async (scope: string, auth = tokens.registry.credentials) => {
    const challenge = String((await httpGet(`${tokens.registry.url}/v2/`)).headers["www-authenticate"]);
    const [, realm = "", service = ""] = /^Bearer realm="([^"]+)",service="([^"]+)"$/.exec(challenge) ?? [];
    const res = await httpGet(`${realm}?${new URLSearchParams({ service, scope })}`, { auth });
    return { status: res.status, token: res.status === 200 ? (JSON.parse(res.body) as { token: string }).token : "" };
  };
  const tags = (repo: string, bearer: string) =>
    httpGet(`${tokens.registry.url}/v2/${repo}/tags/list`, { headers: { authorization: `Bearer ${bearer}` } });

  it('accepts a token for 3 s, then answers 401 error="invalid_token"', async () => {
    // Issued between these two instants; the registry refuses it 3 to 4 s after (whole-second claims).
    const asked = performance.now();
    const { token: pull } = await token("repository:bed/a:pull");
    const received = performance.now();
    await sleep(2_000 - (performance.now() - asked));
    expect((await tags("bed/a", pull)).status, "a 404 for the empty repository: the token was taken").toBe(404);
    await sleep(4_200 - (performance.now() - received));
    const late = await tags("bed/a", pull);
    expect(late.status).toBe(401);
    const expired = /^Bearer realm=".+",service=".+",scope="repository:bed\/a:pull",error="invalid_token"$/;
    expect(late.headers["www-authenticate"]).toMatch(expired);
  });

  it("a token is for the repositories it names; a wrong password gets no token", async () => {
    const { token: pull } = await token("repository:bed/a:pull");
    expect((await tags("bed/b", pull)).headers["www-authenticate"]).toMatch(
      /scope="repository:bed\/b:pull",error="insufficient_scope"/,
    );
    const { username } = tokens.registry.credentials;
    expect((await token("repository:bed/a:pull", { username, password: "wrong" })).status).toBe(401);
  });
});

describe(`--from-archive with no engine on PATH, through a ${UPLINK_BYTES_PER_S / 1024} KiB/s uplink`, () => {
  it("a bundle from save: the shared base takes several token lifetimes, then is mounted into the other repository", async () => {
    const path = uniqueName();
    const args = ["--from-archive", bundle, "-r", `${link.host}/${path}`, "-t", "-p", sourcePath, "-s", "v1", "--json"];
    const run = await timedRun(args, { PATH: enginelessPath(), ...storedLogin(link.host) });

    expectPushedThroughRenewals(run, images.images);
    await expectPushed(tokens.registry, path, "v1", ids);
    const mounts = requestsUnder(tokens.registry, path).filter(
      (r) => r.method === "POST" && r.path.includes("mount=") && r.status === 201,
    );
    expect(mounts, "the base mounted into the other repository").toHaveLength(1);
  });

  it("a podman save archive: the PUT that closes a layer sent in one long PATCH goes with a renewed token", async () => {
    const path = uniqueName();
    const [image = ""] = images.images;
    const args = [
      "--from-archive",
      dockerArchive,
      "-r",
      `${link.host}/${path}`,
      "-t",
      ...sourceFlags(sourcePath, [image]),
      "--json",
    ];
    const run = await timedRun(args, { PATH: enginelessPath(), ...storedLogin(link.host) });

    expectPushedThroughRenewals(run, [image]);
    await expectPushed(tokens.registry, path, "v1", { [image]: ids[image] ?? "" });
  });
});

describe("podman", () => {
  it("-j 1 after podman login, 1.5 s of site plugin before each push: up-to-date checks and read-backs renew their tokens", async () => {
    const { username, password } = tokens.registry.credentials;
    const logins = isolatedLogins();
    await tool("podman", ["login", "--tls-verify=false", "-u", username, "-p", password, tokens.registry.host], logins);
    const scan = pluginFile(
      "site-scan.mjs",
      `export default function siteScan(runner) {
  runner.hooks.beforePush.tapPromise('site-scan', () => new Promise((done) => setTimeout(done, 1500)));
}
`,
    );
    const apim = bed.images.defaults;
    const path = uniqueName();
    const args = ["-r", `${tokens.registry.host}/${path}`, "-c", "podman", "-t", "-j", "1", "--plugin", scan, "--json"];
    const run = await timedRun(args, logins);

    expectPushedThroughRenewals(run, Object.keys(apim.podmanIds));
    await expectPushed(tokens.registry, path, apim.tag, apim.podmanIds);
    // Renewed before they expire: the registry never saw one of ours too late (podman's own are podman's).
    const ours = tokens.invalidTokenRefusals(path).filter((refusal) => !refusal.userAgent.startsWith("containers/"));
    expect(ours, "requests of ours the registry refused for an expired token").toEqual([]);
  });
});
