/**
 * What a --from-archive push asks a registry that wants bearer tokens, from
 * the registry's own access log: preflight saw its challenge, so the first
 * request of every repository (the up-to-date checks, the uploads) asks
 * the token server first and is never refused with a 401 to learn what it
 * already knew (issue 23). A re-run reads no layer of the bundle: with a
 * layer damaged since, the images at the target are still up to date.
 * The one request meant to be refused is issue 22's pull check: a manifest
 * asked for with no login, as a node without a pull secret would.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestsUnder, type LoggedRequest } from "./helpers/access-log.ts";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { runCli } from "./helpers/cli.ts";
import { enginelessPath } from "./helpers/engineless.ts";
import { expectSuccess } from "./helpers/expect-cli.ts";
import { expectPushed } from "./helpers/expect-registry.ts";
import { testDir } from "./helpers/local-tools.ts";
import { startTokenRegistry, type TokenRegistry } from "./helpers/token-registry.ts";

const bed = useBed();
const apim = bed.images.defaults;
const IMAGES = ["apim-le-cache", "apim-le-toolkit"];
let tokens: TokenRegistry;
let bundle: string;

beforeAll(async () => {
  tokens = await startTokenRegistry(uniqueName("reqs"), 300);
  bundle = join(testDir(), "two.tar");
  expectSuccess(await runCli(["save", "-o", bundle, "-c", "podman", ...IMAGES.flatMap((image) => ["-i", image])]));
});

afterAll(async () => {
  await tokens?.close();
});

/** A stored login for the token registry in an auth file of the test's own. */
function storedLogin(): { REGISTRY_AUTH_FILE: string } {
  const { username, password } = tokens.registry.credentials;
  const file = join(testDir(), "auth.json");
  const auth = Buffer.from(`${username}:${password}`).toString("base64");
  writeFileSync(file, JSON.stringify({ auths: { [tokens.registry.host]: { auth } } }));
  return { REGISTRY_AUTH_FILE: file };
}

describe("--from-archive to a registry that wants bearer tokens", () => {
  it("no request under the push's path is refused with 401; a re-run is up to date without reading a layer", async () => {
    const path = uniqueName();
    const env = { PATH: enginelessPath(), ...storedLogin() };
    const args = ["--from-archive", bundle, "-r", `${tokens.registry.host}/${path}`, "-t"];
    expectSuccess(await runCli(args, { env }));
    // Read before the test's own reads of the registry, which learn its challenge the usual way.
    expect(refusedButThePullCheck(requestsUnder(tokens.registry, path)), "requests refused for want of a token").toEqual([]);
    await expectPushed(tokens.registry, path, apim.tag, Object.fromEntries(IMAGES.map((i) => [i, apim.podmanIds[i] ?? ""])));
    const before = requestsUnder(tokens.registry, path).length;

    // The same bundle with a byte of a layer flipped: the images at the target need none of it read.
    const damaged = join(testDir(), "damaged.tar");
    const bytes = readFileSync(bundle);
    const at = bytes.indexOf(Buffer.from([0x1f, 0x8b, 0x08])) + 100;
    bytes[at] = (bytes[at] as number) ^ 0xff;
    writeFileSync(damaged, bytes);
    const rerun = await runCli(["--from-archive", damaged, ...args.slice(2), "--json"], { env });
    expectSuccess(rerun);
    const statuses = (JSON.parse(rerun.stdout) as { images: Array<{ status: string }> }).images.map((image) => image.status);
    expect(statuses).toEqual(IMAGES.map(() => "up-to-date"));
    expect(refusedButThePullCheck(requestsUnder(tokens.registry, path).slice(before))).toEqual([]);
  });
});

/**
 * The 401s of a run, less the pull check's: at most two asks (with no token,
 * then an anonymous one) for one manifest, by HEAD. An up-to-date check
 * refused for want of a token asks for each image's manifest and shows.
 */
function refusedButThePullCheck(requests: readonly LoggedRequest[]): LoggedRequest[] {
  const refused = requests.filter((r) => r.status === 401);
  const pullCheck = refused.filter((r) => r.method === "HEAD" && r.path.includes("/manifests/"));
  const onePath = new Set(pullCheck.map((r) => r.path)).size <= 1 && pullCheck.length <= 2;
  return onePath ? refused.filter((r) => !pullCheck.includes(r)) : refused;
}
