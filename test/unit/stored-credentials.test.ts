/**
 * Reading stored logins: the first file with a login for the host wins, a
 * per-registry helper before "auths", and a broken file is reported as
 * what it is (AUTH_FILE_INVALID, naming the file) unless a later file has
 * the login, as containers-image does.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { storedCredentials, type CredentialsQuery } from "../../src/registry/credentials.ts";
import { FakeShell, fail, ok } from "./fake-shell.ts";

const HOST = "registry.example:5000";
const podman: CredentialsQuery = { host: HOST, tool: "podman", tlsVerify: false };
const docker: CredentialsQuery = { host: HOST, tool: "docker", tlsVerify: true };
const basic = (text: string) => Buffer.from(text).toString("base64");

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** An env with podman's first file (REGISTRY_AUTH_FILE), ~/.config's and docker's in a scratch dir. */
function files(): { env: NodeJS.ProcessEnv; first: string; config: string; docker: string } {
  const dir = mkdtempSync(join(tmpdir(), "push-images-creds-"));
  dirs.push(dir);
  const env = { HOME: dir, XDG_CONFIG_HOME: dir, DOCKER_CONFIG: dir, REGISTRY_AUTH_FILE: join(dir, "auth.json") };
  return { env, first: join(dir, "auth.json"), config: join(dir, "containers-auth.json"), docker: join(dir, "config.json") };
}

const write = (file: string, content: unknown) =>
  writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail("expected a rejection"),
    (error: unknown) => error,
  );

describe("found", () => {
  it("a password with colons, from the first file that has the host", async () => {
    const { env, first, docker: dockerFile } = files();
    write(first, { auths: { [`https://${HOST}/v1/`]: { auth: basic("op:a:b") } } });
    write(dockerFile, { auths: { [HOST]: { auth: basic("other:x") } } });
    expect(await storedCredentials(podman, env, new FakeShell())).toEqual({ username: "op", password: "a:b", source: first });
  });

  it("a robot account: the user up to the first colon, `$` and `+` kept, the password whole", async () => {
    const { env, first } = files();
    const password = `pa$$:w0rd+%2F@'"\\ x`;
    write(first, { auths: { [HOST]: { auth: basic(`robot$apim+ci:${password}`) } } });
    expect(await storedCredentials(podman, env, new FakeShell())).toEqual({ username: "robot$apim+ci", password, source: first });
  });

  it("a robot account from a credential helper, its secret as the helper gave it", async () => {
    const { env, docker: dockerFile } = files();
    write(dockerFile, { credHelpers: { [HOST]: "robot" } });
    const secret = `pa$$:w0rd+%2F@'"\\ x`;
    const answer = ok(JSON.stringify({ ServerURL: HOST, Username: "robot$apim+ci", Secret: secret }));
    const helper = "docker-credential-robot";
    const shell = new FakeShell({ answers: [{ when: (c: { command: string }) => c.command === helper, result: answer }] });
    expect(await storedCredentials(docker, env, shell)).toEqual({ username: "robot$apim+ci", password: secret, source: helper });
  });

  it("a helper that is not installed: CREDENTIAL_HELPER_FAILED naming it, unless a later file has the login", async () => {
    const { env, first, docker: dockerFile } = files();
    write(first, { credHelpers: { [HOST]: "gone" } });
    const notFound = fail("bash: docker-credential-gone: command not found", 127);
    const missing = { when: (c: { command: string }) => c.command === "docker-credential-gone", result: notFound };
    const error = await rejection(storedCredentials(podman, env, new FakeShell({ answers: [missing] })));
    const login = `podman login --tls-verify=false ${HOST}`;
    const notFoundStatus = "exit code 127 (command not found)";
    expect(error).toMatchObject({
      code: "CREDENTIAL_HELPER_FAILED",
      message: `${first} names the credential helper docker-credential-gone for ${HOST}, and it cannot run: ${notFoundStatus}`,
      hint: `install docker-credential-gone, or remove "credsStore"/"credHelpers" from ${first} and run '${login}' again`,
      detail: "$ docker-credential-gone get\nexit code 127 (command not found)\nbash: docker-credential-gone: command not found",
    });
    write(dockerFile, { auths: { [HOST]: { auth: basic("op:pw") } } });
    const found = await storedCredentials(podman, env, new FakeShell({ answers: [missing] }));
    expect(found).toMatchObject({ username: "op", source: dockerFile });
  });

  it("a helper with no login for the host (exit 1) is no login", async () => {
    const { env, docker: dockerFile } = files();
    write(dockerFile, { credsStore: "pass" });
    const noLogin = fail("credentials not found in native keychain", 1);
    const none = { when: (c: { command: string }) => c.command === "docker-credential-pass", result: noLogin };
    expect(await storedCredentials(docker, env, new FakeShell({ answers: [none] }))).toBeUndefined();
  });

  it("a broken file is passed over when a later one has the login", async () => {
    const { env, first, docker: dockerFile } = files();
    write(first, '{"auths": {');
    write(dockerFile, { auths: { [HOST]: { auth: basic("op:pw") } } });
    expect(await storedCredentials(podman, env, new FakeShell())).toMatchObject({ username: "op", source: dockerFile });
  });

  it("docker: credsStore before auths; podman ignores credsStore", async () => {
    const { env, docker: dockerFile } = files();
    write(dockerFile, { credsStore: "pass", auths: { [HOST]: { auth: basic("file:pw") } } });
    const answer = ok('{"Username":"helper","Secret":"s"}');
    const helper = { when: (c: { command: string }) => c.command === "docker-credential-pass", result: answer };
    const shell = new FakeShell({ answers: [helper] });
    expect(await storedCredentials(docker, env, shell)).toMatchObject({ username: "helper" });
    const podmanEnv = { ...env, REGISTRY_AUTH_FILE: "" };
    expect(await storedCredentials({ ...podman, tlsVerify: true }, podmanEnv, shell)).toMatchObject({ username: "file" });
  });
});

describe("broken: AUTH_FILE_INVALID naming the file and the fix", () => {
  it("not JSON: where it breaks, without quoting the file; set it aside and log in", async () => {
    const { env, first } = files();
    write(first, `{"auths": {"${HOST}": {"auth": "${basic("op:secret-pw")}"}`);
    const error = (await rejection(storedCredentials(podman, env, new FakeShell()))) as Error & { code: string; hint: string };
    expect(error.code).toBe("AUTH_FILE_INVALID");
    expect(error.message).toContain(`${first} is not valid JSON`);
    expect(`${error.message} ${error.hint}`).not.toContain(basic("op:secret-pw"));
    const fix = `mv ${first} ${first}.broken && podman login --tls-verify=false ${HOST}`;
    expect(error.hint).toBe(`fix ${first} by hand, or set it aside and log in again: run '${fix}'`);
  });

  it("JSON, but not an auth file", async () => {
    const { env, first } = files();
    write(first, { auths: [] });
    expect(await rejection(storedCredentials(podman, env, new FakeShell()))).toMatchObject({
      code: "AUTH_FILE_INVALID",
      message: expect.stringContaining('"auths"'),
    });
  });

  const badAuths = [
    ["not base64", "!!!"],
    ["no colon", basic("nocolon")],
    ["unpadded", "b3A6cH"],
  ];
  it.each(badAuths)("the host's auth is %s: logout and login", async (_, auth) => {
    const { env, first } = files();
    write(first, { auths: { [HOST]: { auth } } });
    expect(await rejection(storedCredentials(podman, env, new FakeShell()))).toMatchObject({
      code: "AUTH_FILE_INVALID",
      message: expect.stringContaining(`${first} holds a login for ${HOST} whose "auth" is not the base64 of user:password`),
      hint: `run 'podman logout --authfile ${first} ${HOST} && podman login --tls-verify=false ${HOST}', then run push-images again`,
    });
  });

  it("docker: its own logout", async () => {
    const { env, docker: dockerFile } = files();
    write(dockerFile, { auths: { [HOST]: { auth: "!!!" } } });
    expect(await rejection(storedCredentials(docker, env, new FakeShell()))).toMatchObject({
      code: "AUTH_FILE_INVALID",
      hint: `run 'docker logout ${HOST} && docker login ${HOST}', then run push-images again`,
    });
  });

  it("another host's broken entry is none of our business", async () => {
    const { env, first } = files();
    write(first, { auths: { "other.example": { auth: "!!!" } } });
    expect(await storedCredentials(podman, env, new FakeShell())).toBeUndefined();
  });
});
