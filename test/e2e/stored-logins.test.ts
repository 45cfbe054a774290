/**
 * Stored logins the tool cannot use: the error names what is wrong with
 * which file, and its `Fix:` is a command that works when typed. Each test
 * types that command (adding only -u/-p, which the user would type at the
 * prompt), then runs push-images again, which must push.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "../bed/run.ts";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { runCli } from "./helpers/cli.ts";
import { EXIT, expectError, expectSuccess } from "./helpers/expect-cli.ts";
import { expectNoTrace, expectPushed, pick } from "./helpers/expect-registry.ts";
import { isolatedLogins, testDir } from "./helpers/local-tools.ts";

const bed = useBed();
const { auth } = bed.registries;
const { username, password } = auth.credentials ?? { username: "", password: "" };
const apim = bed.images.defaults;
const one = ["apim-le-cache"];
const podmanArgs = (path: string) => ["-r", `${auth.host}/${path}`, "-c", "podman", "-t", "-i", "apim-le-cache"];
const dockerArgs = (path: string) => ["-r", `${auth.host}/${path}`, "-c", "docker", "-i", "apim-le-cache"];

/** Types the command of the hint's "run '...'" in a shell, with the user and password the prompt would ask for. */
async function typeTheFix(errorText: string, env: Record<string, string>): Promise<void> {
  const command = /run '([^']+)'/.exec(errorText)?.[1];
  expect(command, `a command to run in:\n${errorText}`).toBeDefined();
  // The user's shell also has coreutils (mv), which the tool's PATH leaves out.
  const shellEnv = { ...process.env, ...bed.env, ...env, PATH: `${bed.env.PATH}:/usr/bin:/bin` };
  await run("sh", ["-c", `${command} -u ${username} -p ${password}`], { env: shellEnv });
}

describe("podman", () => {
  it("REGISTRY_AUTH_FILE names no file: AUTH_FILE_MISSING, and its login works on an HTTP registry", async () => {
    const missing = join(testDir(), "not-yet", "auth.json");
    const logins = { ...isolatedLogins(), REGISTRY_AUTH_FILE: missing };
    const token = uniqueName();
    const error = expectError(await runCli(podmanArgs(token), { env: logins }), EXIT.failed, "AUTH_FILE_MISSING");
    expect(error).toContain(`podman login --tls-verify=false ${auth.host}`);
    await expectNoTrace(token);

    await typeTheFix(error, logins);
    const path = uniqueName();
    expectSuccess(await runCli(podmanArgs(path), { env: logins }));
    await expectPushed(auth, path, apim.tag, pick(apim.podmanIds, one));
  });

  it('an auth file that is not JSON: AUTH_FILE_INVALID naming it, not "no stored credentials"', async () => {
    const logins = isolatedLogins();
    const login = Buffer.from(`${username}:${password}`).toString("base64");
    writeFileSync(logins.REGISTRY_AUTH_FILE, `{"auths": {"${auth.host}": {"auth": "${login}"}`);
    const token = uniqueName();
    const error = expectError(await runCli(podmanArgs(token), { env: logins }), EXIT.failed, "AUTH_FILE_INVALID");
    expect(error).toContain(`${logins.REGISTRY_AUTH_FILE} is not valid JSON`);
    expect(error, "the file may hold passwords: not quoted").not.toContain(password);
    await expectNoTrace(token);

    await typeTheFix(error, logins);
    const path = uniqueName();
    expectSuccess(await runCli(podmanArgs(path), { env: logins }));
    await expectPushed(auth, path, apim.tag, pick(apim.podmanIds, one));
  });

  it('a login whose "auth" is not base64: AUTH_FILE_INVALID; logout and login fix it', async () => {
    const logins = isolatedLogins();
    writeFileSync(logins.REGISTRY_AUTH_FILE, JSON.stringify({ auths: { [auth.host]: { auth: "!!not-base64" } } }));
    const token = uniqueName();
    const error = expectError(await runCli(podmanArgs(token), { env: logins }), EXIT.failed, "AUTH_FILE_INVALID");
    expect(error).toContain(
      `${logins.REGISTRY_AUTH_FILE} holds a login for ${auth.host} whose "auth" is not the base64 of user:password`,
    );
    await expectNoTrace(token);

    await typeTheFix(error, logins);
    const path = uniqueName();
    expectSuccess(await runCli(podmanArgs(path), { env: logins }));
    await expectPushed(auth, path, apim.tag, pick(apim.podmanIds, one));
  });
});

describe("docker", () => {
  it('a credsStore helper that is not installed: CREDENTIAL_HELPER_FAILED naming it, not "no stored credentials"', async () => {
    const logins = isolatedLogins();
    mkdirSync(logins.DOCKER_CONFIG, { recursive: true });
    const config = join(logins.DOCKER_CONFIG, "config.json");
    writeFileSync(config, JSON.stringify({ credsStore: "absent" }));
    const token = uniqueName();
    const r = await runCli([...dockerArgs(token), "-v"], { env: logins });
    const error = expectError(r, EXIT.failed, "CREDENTIAL_HELPER_FAILED");
    expect(error).toContain(`${config} names the credential helper docker-credential-absent for ${auth.host}`);
    expect(r.stderr).toContain("  | $ docker-credential-absent get\n  | exit code 127 (command not found)");
    await expectNoTrace(token);

    // The fix's other way: no helper, then the login it names.
    writeFileSync(config, JSON.stringify({}));
    await typeTheFix(error, logins);
    const path = uniqueName();
    expectSuccess(await runCli(dockerArgs(path), { env: logins }));
    await expectPushed(auth, path, apim.tag, pick(apim.dockerIds, one));
  });

  it('a login in config.json whose "auth" is not base64: AUTH_FILE_INVALID; docker logout and login fix it', async () => {
    const logins = isolatedLogins();
    mkdirSync(logins.DOCKER_CONFIG, { recursive: true });
    const config = join(logins.DOCKER_CONFIG, "config.json");
    writeFileSync(config, JSON.stringify({ auths: { [auth.host]: { auth: "!!not-base64" } } }));
    const token = uniqueName();
    const error = expectError(await runCli(dockerArgs(token), { env: logins }), EXIT.failed, "AUTH_FILE_INVALID");
    expect(error).toContain(`${config} holds a login for ${auth.host}`);
    await expectNoTrace(token);

    await typeTheFix(error, logins);
    const path = uniqueName();
    expectSuccess(await runCli(dockerArgs(path), { env: logins }));
    await expectPushed(auth, path, apim.tag, pick(apim.dockerIds, one));
  });
});
