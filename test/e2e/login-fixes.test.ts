/**
 * A login fix given after preflight, when the registry refuses a push
 * midway, names the login command preflight names: the tool whose logins
 * were read (podman for an engine-less run), --tls-verify=false under -t,
 * the stored user quoted for bash. The registry is one of the test's own
 * whose token server lets the robot account log in and pull, never push:
 * /v2/ answers, and the first upload is refused with 401.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { runCli } from "./helpers/cli.ts";
import { enginelessPath } from "./helpers/engineless.ts";
import { EXIT, expectError, expectSuccess } from "./helpers/expect-cli.ts";
import { testDir } from "./helpers/local-tools.ts";
import { startTokenRegistry, type TokenRegistry } from "./helpers/token-registry.ts";

useBed();
const image = "apim-le-cache";
let tokens: TokenRegistry;

beforeAll(async () => {
  tokens = await startTokenRegistry(uniqueName("pullonly"), 300, { pullOnly: true });
});

afterAll(async () => {
  await tokens?.close();
});

/** The robot's login, stored where podman keeps it (REGISTRY_AUTH_FILE). */
function storedLogin(): { REGISTRY_AUTH_FILE: string } {
  const { host, credentials } = tokens.registry;
  const file = join(testDir(), "auth.json");
  const auth = Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64");
  writeFileSync(file, JSON.stringify({ auths: { [host]: { auth } } }));
  return { REGISTRY_AUTH_FILE: file };
}

/** What preflight would name: the registry speaks HTTP, so podman's login needs --tls-verify=false. */
const preflightLogin = () =>
  `podman login --tls-verify=false -u '${tokens.registry.credentials.username}' ${tokens.registry.host}`;

describe("a push refused for its login after preflight let it in", () => {
  it("-c podman -t: the fix is the login preflight names, not a bare podman login", async () => {
    const r = await runCli(["-r", `${tokens.registry.host}/${uniqueName()}`, "-c", "podman", "-t", "-i", image], {
      env: storedLogin(),
    });
    const error = expectError(r, EXIT.failed, "AUTH_REQUIRED");
    expect(error).toContain(`Fix: run '${preflightLogin()}', then run push-images again`);
  });

  it("--from-archive with no engine on PATH: the registry API's 401 names podman login, whose logins were read", async () => {
    const bundle = join(testDir(), "apim.tar");
    expectSuccess(await runCli(["save", "-o", bundle, "-c", "podman", "-i", image]));
    const env = { ...storedLogin(), PATH: enginelessPath() };
    const r = await runCli(["--from-archive", bundle, "-r", `${tokens.registry.host}/${uniqueName()}`, "-t"], { env });
    const error = expectError(r, EXIT.failed, "AUTH_REJECTED");
    expect(error).toMatch(new RegExp(`Fix: .*then run push-images again: ${preflightLogin().replace(/[$+.]/g, "\\$&")}\n`));
  });
});
