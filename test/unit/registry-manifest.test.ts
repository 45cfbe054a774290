/**
 * The up-to-date check and the read-back over real HTTP
 * (src/registry/connection.ts, manifest.ts, challenge.ts) against a tiny
 * registry on 127.0.0.1: anonymous, and through distribution's token flow
 * with the stored credentials and one token per repository scope.
 */
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { fakeDigest, fakeImageId } from "./fake-shell.ts";
import { expectedRun, setUp } from "./harness.ts";
import { storedLoginHome } from "./stored-login-home.ts";
import { startTinyRegistry, type TinyRegistry } from "./tiny-registry.ts";

const USER = { name: "pusher", password: "s3cret" };
const SOURCE = "apim/apim-le-cache:v6.0.0";
const MANIFEST = "/v2/p/apim-le-cache/manifests/v6.0.0";
const SCOPE = "repository:p/apim-le-cache:pull";

let registry: TinyRegistry | undefined;
const scratch: string[] = [];
afterEach(async () => {
  await registry?.close();
  registry = undefined;
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** podman -t with the user's credentials in a temporary REGISTRY_AUTH_FILE. */
function podman(host: string) {
  const { home, env } = storedLoginHome(host, USER);
  scratch.push(home);
  return setUp({
    flags: { registry: `${host}/p`, containerTool: "podman", image: ["apim-le-cache"], noTlsVerify: true },
    env,
    probeRegistry: true,
    store: registry?.store,
  });
}

describe("an open registry (docker, loopback)", () => {
  it("the manifest is read before and after the push; the registry's digest is reported", async () => {
    registry = await startTinyRegistry();
    const { runner, shell } = setUp({
      flags: { registry: `${registry.host}/p`, image: ["apim-le-cache"] },
      env: { HOME: tmpdir() },
      probeRegistry: true,
      store: registry.store,
    });
    const target = `${registry.host}/p/apim-le-cache:v6.0.0`;
    expect((await runner.run()).results.map((r) => [r.status, r.digest])).toEqual([["pushed", fakeDigest(target)]]);
    expect(registry.authorizations).toEqual([""]);
    expect(registry.store.paths()).toEqual([MANIFEST, MANIFEST]);
    expect(shell.mutatingArgs()).toEqual(expectedRun("docker", SOURCE, target));
  });

  it("already there: up-to-date after one read, nothing tagged or pushed", async () => {
    registry = await startTinyRegistry();
    registry.store.put(`${registry.host}/p/apim-le-cache:v6.0.0`, fakeImageId(SOURCE));
    const { runner, shell } = setUp({
      flags: { registry: `${registry.host}/p`, image: ["apim-le-cache"] },
      env: { HOME: tmpdir() },
      probeRegistry: true,
      store: registry.store,
    });
    expect((await runner.run()).results.map((r) => r.status)).toEqual(["up-to-date"]);
    expect(registry.store.paths()).toEqual([MANIFEST]);
    expect(shell.mutatingArgs()).toEqual([]);
  });
});

describe("a registry with a token server (Bearer)", () => {
  it("up-to-date: a pull token for the repository, asked with the stored credentials", async () => {
    registry = await startTinyRegistry({ user: USER, auth: "bearer" });
    registry.store.put(`${registry.host}/p/apim-le-cache:v6.0.0`, fakeImageId(SOURCE));
    const { runner, shell } = podman(registry.host);
    expect((await runner.run()).results.map((r) => r.status)).toEqual(["up-to-date"]);
    // "" is preflight's token for /v2/; the manifest needs its own scope.
    expect(registry.tokenScopes).toEqual(["", SCOPE]);
    expect(registry.store.requests.filter((r) => r.path === MANIFEST).map((r) => r.authorization)).toEqual([
      `Bearer token-for-${SCOPE}`,
    ]);
    expect(shell.mutatingArgs()).toEqual([]);
  });

  it("pushed: the token is reused for the read-back", async () => {
    registry = await startTinyRegistry({ user: USER, auth: "bearer" });
    const { runner } = podman(registry.host);
    expect((await runner.run()).results.map((r) => [r.status, r.digest])).toEqual([
      ["pushed", fakeDigest(`${registry.host}/p/apim-le-cache:v6.0.0`)],
    ]);
    expect(registry.tokenScopes).toEqual(["", SCOPE]);
    expect(registry.store.paths().filter((p) => p === MANIFEST)).toHaveLength(2);
  });
});
