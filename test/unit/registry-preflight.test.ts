/**
 * The built-in "registry" preflight check, for real: it talks HTTP to a
 * tiny registry on 127.0.0.1 (in this process) and reads credentials from
 * auth files named through the runner's env, never the user's own.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Runner } from "../../src/core/runner.ts";
import { ok, type FakeShell } from "./fake-shell.ts";
import { rejectionOf, setUp } from "./harness.ts";
import { closedPort, startTinyRegistry, type TinyRegistry } from "./tiny-registry.ts";

const USER = { name: "pusher", password: "s3cret:with:colons" };
const basic = (name: string, password: string) => Buffer.from(`${name}:${password}`).toString("base64");

let registry: TinyRegistry | undefined;
const scratch: string[] = [];
afterEach(async () => {
  await registry?.close();
  registry = undefined;
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** An env whose every auth-file location is an empty scratch directory. */
function isolatedEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const home = mkdtempSync(join(tmpdir(), "push-images-unit-"));
  scratch.push(home);
  mkdirSync(join(home, "run"));
  return { HOME: home, XDG_RUNTIME_DIR: join(home, "run"), DOCKER_CONFIG: join(home, "docker"), ...extra };
}

function authFile(env: NodeJS.ProcessEnv, name: string, content: object): string {
  const file = join(env.HOME ?? "", name);
  mkdirSync(join(file, ".."), { recursive: true });
  writeFileSync(file, JSON.stringify(content));
  return file;
}

function run(tool: "podman" | "docker", host: string, env: NodeJS.ProcessEnv, noTlsVerify = false) {
  return setUp({
    flags: { registry: `${host}/p`, containerTool: tool, image: ["apim-le-cache"], noTlsVerify },
    env,
    probeRegistry: true,
    store: registry?.store,
  });
}

describe("an open plain-HTTP registry", () => {
  it("docker: accepted through the daemon's 127.0.0.0/8, then pushed", async () => {
    registry = await startTinyRegistry();
    const { runner, preflightRan } = run("docker", registry.host, isolatedEnv());
    expect((await runner.run()).results.map((r) => r.status)).toEqual(["pushed"]);
    expect(preflightRan).toContain("registry");
    expect(registry.authorizations).toEqual([""]);
  });

  it("podman -t: accepted, then pushed", async () => {
    registry = await startTinyRegistry();
    const { runner } = run("podman", registry.host, isolatedEnv(), true);
    expect((await runner.run()).results.map((r) => r.status)).toEqual(["pushed"]);
    expect(registry.authorizations).toEqual([""]);
  });

  it("podman without -t: REGISTRY_HTTP_ONLY, the fix is -t, nothing tagged", async () => {
    registry = await startTinyRegistry();
    const { runner, shell } = run("podman", registry.host, isolatedEnv());
    const error = await rejectionOf(runner.run());
    expect(error).toMatchObject({ code: "REGISTRY_HTTP_ONLY", exitCode: 1, hint: "add -t to push to it without TLS" });
    expect(error.message).toContain(registry.host);
    expect(shell.mutatingArgs()).toEqual([]);
  });
});

describe("a registry that asks for credentials", () => {
  it("none stored: AUTH_REQUIRED naming where it looked, with the login command", async () => {
    registry = await startTinyRegistry({ user: USER });
    const env = isolatedEnv();
    const { runner, shell } = run("podman", registry.host, env, true);
    const error = await rejectionOf(runner.run());
    expect(error).toMatchObject({
      code: "AUTH_REQUIRED",
      hint: `run 'podman login --tls-verify=false ${registry.host}', then run push-images again`,
    });
    expect((error as Error).message).toContain(
      `(looked in ${env.XDG_RUNTIME_DIR}/containers/auth.json, ${env.HOME}/.config/containers/auth.json, `,
    );
    expect(shell.mutatingArgs()).toEqual([]);
  });

  it("podman: the REGISTRY_AUTH_FILE credentials are sent and accepted", async () => {
    registry = await startTinyRegistry({ user: USER });
    const env = isolatedEnv();
    env.REGISTRY_AUTH_FILE = authFile(env, "auth.json", {
      auths: { [registry.host]: { auth: basic(USER.name, USER.password) } },
    });
    const { runner } = run("podman", registry.host, env, true);
    expect((await runner.run()).results.map((r) => r.status)).toEqual(["pushed"]);
    expect(registry.authorizations).toEqual(["", `Basic ${basic(USER.name, USER.password)}`]);
  });

  it("podman: wrong stored password is AUTH_REJECTED naming the user and the file", async () => {
    registry = await startTinyRegistry({ user: USER });
    const env = isolatedEnv();
    env.REGISTRY_AUTH_FILE = authFile(env, "auth.json", { auths: { [registry.host]: { auth: basic(USER.name, "wrong") } } });
    const { runner, shell } = run("podman", registry.host, env, true);
    const error = await rejectionOf(runner.run());
    expect(error.code).toBe("AUTH_REJECTED");
    expect(error.message).toContain(`"pusher" (from ${env.REGISTRY_AUTH_FILE})`);
    expect(error.message).not.toContain("wrong");
    expect(shell.mutatingArgs()).toEqual([]);
  });

  it("docker: DOCKER_CONFIG/config.json, keyed with a scheme, is used", async () => {
    registry = await startTinyRegistry({ user: USER });
    const env = isolatedEnv();
    authFile(env, "docker/config.json", { auths: { [`http://${registry.host}`]: { auth: basic(USER.name, USER.password) } } });
    const { runner } = run("docker", registry.host, env);
    expect((await runner.run()).results.map((r) => r.status)).toEqual(["pushed"]);
  });

  it("docker: a credential helper is asked through the shell, with the host on stdin", async () => {
    registry = await startTinyRegistry({ user: USER });
    const env = isolatedEnv();
    authFile(env, "docker/config.json", { credsStore: "pass" });
    const { runner, shell } = setUp({
      flags: { registry: `${registry.host}/p`, image: ["apim-le-cache"] },
      env,
      probeRegistry: true,
      store: registry.store,
      shell: {
        answers: [
          {
            when: (c) => c.command === "docker-credential-pass",
            result: ok(JSON.stringify({ ServerURL: "x", Username: USER.name, Secret: USER.password })),
          },
        ],
      },
    });
    expect((await runner.run()).results.map((r) => r.status)).toEqual(["pushed"]);
    expect(shell.calls.filter((c) => c.command === "docker-credential-pass")).toEqual([
      { command: "docker-credential-pass", args: ["get"], mutates: false, input: registry.host },
    ]);
  });
});

describe("a Harbor robot account (robot$apim+ci)", () => {
  const ROBOT = { name: "robot$apim+ci", password: `pa$$:w0rd+%2F@'"\\ x` };

  it.each([["basic" as const], ["bearer" as const]])(
    "%s: its login is sent as stored, and -v names it as it is",
    async (auth) => {
      registry = await startTinyRegistry({ user: ROBOT, auth });
      const env = isolatedEnv();
      env.REGISTRY_AUTH_FILE = authFile(env, "auth.json", {
        auths: { [registry.host]: { auth: basic(ROBOT.name, ROBOT.password) } },
      });
      const { runner, logged } = run("podman", registry.host, env, true);
      expect((await runner.run()).results.map((r) => r.status)).toEqual(["pushed"]);
      // Bearer: the token server checked the Basic header; /v2/ then got the token it issued.
      expect(registry.authorizations.at(-1)).toBe(
        auth === "basic" ? `Basic ${basic(ROBOT.name, ROBOT.password)}` : "Bearer token-for-",
      );
      expect(logged.join("")).toContain(`answers (as ${ROBOT.name})`);
      expect(logged.join("")).not.toContain(ROBOT.password);
    },
  );

  it("a wrong password: AUTH_REJECTED naming the user; the fix logs in as it, quoted for bash", async () => {
    registry = await startTinyRegistry({ user: ROBOT });
    const env = isolatedEnv();
    env.REGISTRY_AUTH_FILE = authFile(env, "auth.json", { auths: { [registry.host]: { auth: basic(ROBOT.name, "wrong") } } });
    const error = await rejectionOf(run("podman", registry.host, env, true).runner.run());
    expect(error.code).toBe("AUTH_REJECTED");
    expect(error.message).toContain(`user "robot$apim+ci" (from ${env.REGISTRY_AUTH_FILE})`);
    expect(error.hint).toContain(
      `then run push-images again: podman login --tls-verify=false -u 'robot$apim+ci' ${registry.host}`,
    );
  });
});

describe("a registry that is not well", () => {
  it("down: REGISTRY_UNREACHABLE naming it, nothing tagged", async () => {
    const host = `127.0.0.1:${await closedPort()}`;
    const { runner, shell } = run("docker", host, isolatedEnv());
    const error = await rejectionOf(runner.run());
    expect(error.code).toBe("REGISTRY_UNREACHABLE");
    expect(error.message).toContain(host);
    expect(shell.mutatingArgs()).toEqual([]);
  });

  it.each([
    [503, "REGISTRY_ERROR"],
    [429, "RATE_LIMITED"],
    [403, "ACCESS_DENIED"],
    [404, "REGISTRY_ERROR"],
  ])("answering /v2/ with %i: %s", async (status, code) => {
    registry = await startTinyRegistry({ status });
    const { runner, shell } = run("podman", registry.host, isolatedEnv(), true);
    const error = await rejectionOf(runner.run());
    expect(error.code).toBe(code);
    expect(error.message).toContain(String(status));
    expect(shell.mutatingArgs()).toEqual([]);
  });
});

describe("when the registry is asked", () => {
  /** What the shell had run (as "podman version", ...) each time the runner opened its registry connection. */
  function watchRegistry(runner: Runner, shell: FakeShell): string[][] {
    const seen: string[][] = [];
    const open = runner.registry.bind(runner);
    runner.registry = () => {
      seen.push(shell.calls.map((call) => `${call.command} ${call.args.slice(0, 2).join(" ")}`));
      return open();
    };
    return seen;
  }

  it("while podman is checked, when no plugin's check comes first", async () => {
    registry = await startTinyRegistry();
    const { runner, shell } = run("podman", registry.host, isolatedEnv(), true);
    const seen = watchRegistry(runner, shell);
    expect((await runner.run()).results.map((r) => r.status)).toEqual(["pushed"]);
    // Opened as the tool check starts, before podman has run at all.
    expect(seen[0]).toEqual([]);
  });

  it("after a plugin's check that comes before the registry stage, which may log in", async () => {
    registry = await startTinyRegistry({ user: USER });
    const env = isolatedEnv();
    const { runner, shell } = run("podman", registry.host, env, true);
    const seen = watchRegistry(runner, shell);
    runner.hooks.preflight.tapPromise({ name: "vault-login", stage: -100 }, async () => {
      authFile(env, "run/containers/auth.json", { auths: { [registry?.host ?? ""]: { auth: basic(USER.name, USER.password) } } });
    });
    expect((await runner.run()).results.map((r) => r.status)).toEqual(["pushed"]);
    expect(seen[0]).toEqual(["podman version --format", "podman image inspect"]);
  });
});
