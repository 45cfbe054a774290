/**
 * Harbor robot accounts: user names like `robot$apim+ci`, whose `$` a shell
 * expands and whose `+` a URL decodes to a space, with a password holding
 * `$`, `:`, `%`, `@`, quotes, a backslash and a space. Logged in with
 * podman, with docker, through a credential helper and as the rootless
 * operator, each pushes; engine-less too. With -v the output shows the
 * user as it is and never the password, the base64 of user:password or a
 * Basic header. A wrong password names the user, and its fix, pasted into
 * bash, logs in again.
 */
import { spawn } from "node:child_process";
import { chownSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findOnPath } from "../bed/tool-path.ts";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { runCli, type CliResult } from "./helpers/cli.ts";
import { enginelessPath } from "./helpers/engineless.ts";
import { describeRun, EXIT, expectError, expectSuccess } from "./helpers/expect-cli.ts";
import { expectNoTrace, expectPushed, pick } from "./helpers/expect-registry.ts";
import { isolatedLogins, testDir, tool as localTool, type Tool } from "./helpers/local-tools.ts";
import { asOperator, buildOperatorImages, operator } from "./helpers/operator.ts";
import { LOOPBACK_FLAGS } from "./helpers/tool-flags.ts";

const bed = useBed();
const { auth } = bed.registries;
const robot = auth.robot ?? { username: "", password: "" };
const apim = bed.images.defaults;
const image = "apim-le-cache";
const args = (path: string, tool: Tool) => ["-r", `${auth.host}/${path}`, ...LOOPBACK_FLAGS[tool], "-i", image, "-v"];

/** What no output may hold: the password in any form a client sends or stores it. */
function expectNoSecret(r: CliResult, password = robot.password): void {
  const output = `${r.stdout}${r.stderr}`;
  const userPassword = Buffer.from(`${robot.username}:${password}`).toString("base64");
  // The random tail, past the quotes, backslash and space: what a mask that stops at one of them shows.
  const tail = password.slice(password.lastIndexOf(" ") + 1);
  for (const secret of [password, JSON.stringify(password).slice(1, -1), encodeURIComponent(password), userPassword, tail]) {
    expect(output, `the output shows ${secret}\n${describeRun(r)}`).not.toContain(secret);
  }
  expect(output).not.toMatch(/Basic\s+[A-Za-z0-9+/=]{8}/i);
}

/** The run pushed; -v showed who the registry accepted, the name as it is, and no secret. */
async function expectPushedAsRobot(r: CliResult, path: string, tag: string, ids: Record<string, string>): Promise<void> {
  expectSuccess(r);
  expect(r.stderr, describeRun(r)).toContain(`answers (as ${robot.username})`);
  expectNoSecret(r);
  await expectPushed(auth, path, tag, ids);
}

/** `podman login` (with --tls-verify=false: the registry speaks HTTP) or `docker login`, as the tool's words. */
const loginWords = (tool: Tool) => (tool === "podman" ? ["login", "--tls-verify=false"] : ["login"]);

/** Logs `tool` in as the robot, into the given login files. */
async function robotLogin(tool: Tool, logins: Record<string, string>): Promise<void> {
  await localTool(tool, [...loginWords(tool), "-u", robot.username, "-p", robot.password, auth.host], logins);
}

/**
 * Types `command` into bash on a terminal, then `typed` at its prompt:
 * podman and docker read a password only from a terminal, which script(1) gives them.
 */
function typeInBash(
  command: string,
  typed: string,
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const bash = findOnPath("bash", process.env.PATH ?? "") ?? "/bin/bash";
  // The user's shell also has script(1) and coreutils, which the tool's PATH leaves out.
  const shellEnv = { ...process.env, ...bed.env, ...env, SHELL: bash, PATH: `${bed.env.PATH}:/usr/bin:/bin` };
  return new Promise((resolve, reject) => {
    const child = spawn("script", ["-qec", command, "/dev/null"], { env: shellEnv, timeout: 60_000 });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (output += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (output += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
    child.stdin.end(`${typed}\n`);
  });
}

describe.concurrent("logged in as robot$apim+ci, it pushes; -v shows the user, never the password", () => {
  it.each([["podman" as const], ["docker" as const]])("%s login, then a push with the same tool", async (tool) => {
    const logins = isolatedLogins();
    await robotLogin(tool, logins);
    const path = uniqueName();
    const r = await runCli(args(path, tool), { env: logins });
    await expectPushedAsRobot(r, path, apim.tag, pick(tool === "podman" ? apim.podmanIds : apim.dockerIds, [image]));
  });

  it("a docker credential helper (credHelpers), whose answer -v shows masked", async () => {
    const logins = isolatedLogins();
    const helperDir = join(testDir(), "helper-bin");
    mkdirSync(helperDir);
    const answer = JSON.stringify({ ServerURL: auth.host, Username: robot.username, Secret: robot.password });
    // Shell builtins only: the tool's PATH has no coreutils. It reads the host docker sends, then answers.
    const script = `#!/bin/sh\nread -r _ || :\nprintf '%s\\n' '${answer.replaceAll("'", "'\\''")}'\n`;
    writeFileSync(join(helperDir, "docker-credential-robot"), script, { mode: 0o755 });
    writeFileSync(join(logins.DOCKER_CONFIG, "config.json"), JSON.stringify({ credHelpers: { [auth.host]: "robot" } }));
    const path = uniqueName();
    const r = await runCli(args(path, "docker"), { env: { ...logins, PATH: `${helperDir}:${bed.env.PATH}` } });
    expect(r.stderr, "the helper was asked").toContain("$ docker-credential-robot get");
    await expectPushedAsRobot(r, path, apim.tag, pick(apim.dockerIds, [image]));
  });

  it("engine-less: save, then --from-archive with the stored podman login and no engine on PATH", async () => {
    const bundle = join(testDir(), "apim.tar");
    expectSuccess(await runCli(["save", "-o", bundle, "-c", "podman", "-i", image]));
    const logins = isolatedLogins();
    await robotLogin("podman", logins);
    const path = uniqueName();
    const env = { ...logins, PATH: enginelessPath() };
    const r = await runCli(["--from-archive", bundle, "-r", `${auth.host}/${path}`, "-t", "-v"], { env });
    await expectPushedAsRobot(r, path, apim.tag, pick(apim.podmanIds, [image]));
  });

  it("the rootless operator: its own podman login, then -c podman from its own storage", async () => {
    const op = operator();
    // A runtime directory of this test's own: rootless.test.ts logs the operator in to the same registry.
    const runtimeDir = mkdtempSync(join(op.home, "xdg-"));
    chownSync(runtimeDir, op.uid, op.gid);
    const session = { XDG_RUNTIME_DIR: runtimeDir };
    const sourcePath = uniqueName("r");
    const ids = await buildOperatorImages([image], sourcePath, "v1");
    await asOperator("podman", [...loginWords("podman"), "-u", robot.username, "-p", robot.password, auth.host], session);
    const path = uniqueName();
    const r = await runCli([...args(path, "podman"), "-p", sourcePath, "-s", "v1"], { as: op, env: session });
    await expectPushedAsRobot(r, path, "v1", ids);
  });
});

describe.concurrent(
  "a wrong stored password: AUTH_REJECTED names robot$apim+ci; its fix, pasted into bash, logs in again",
  () => {
    const wrong = `${robot.password.slice(0, -1)}x`;

    it.each([["podman" as const], ["docker" as const]])("-c %s", async (tool) => {
      const logins = isolatedLogins();
      // The robot's secret was regenerated in Harbor: what is stored is now wrong.
      const stored = Buffer.from(`${robot.username}:${wrong}`).toString("base64");
      const file = tool === "podman" ? logins.REGISTRY_AUTH_FILE : join(logins.DOCKER_CONFIG, "config.json");
      writeFileSync(file, JSON.stringify({ auths: { [auth.host]: { auth: stored } } }));
      const token = uniqueName();
      const r = await runCli(args(token, tool), { env: logins });
      const error = expectError(r, EXIT.failed, "AUTH_REJECTED");
      expect(error).toContain(`rejected the stored credentials of user "${robot.username}"`);
      expectNoSecret(r, wrong);
      await expectNoTrace(token);

      const fix = /Fix: .*?: ((?:podman|docker) login .*)$/m.exec(error)?.[1];
      const expected = [tool, ...loginWords(tool), "-u", "'robot$apim+ci'", auth.host].join(" ");
      expect(fix, `a login command at the end of the fix:\n${error}`).toBe(expected);
      const typed = await typeInBash(fix ?? "", robot.password, logins);
      expect(typed.code, typed.output).toBe(0);
      const path = uniqueName();
      expectSuccess(await runCli(args(path, tool), { env: logins }));
      await expectPushed(auth, path, apim.tag, pick(tool === "podman" ? apim.podmanIds : apim.dockerIds, [image]));
    });
  },
);
