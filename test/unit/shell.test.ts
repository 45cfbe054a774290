/**
 * src/engine/shell.ts: how commands are shown (quoted so they can be pasted,
 * secrets masked), and the dry-run contract the fake shell imitates.
 */
import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/core/logger.ts";
import { createShell, formatCommand, maskSecrets, showCommand } from "../../src/engine/shell.ts";

describe("formatCommand", () => {
  it.each([
    [
      ["push", "--tls-verify=false", "reg.example.com:5000/p/apim-le-cache:v6.0.0"],
      "podman push --tls-verify=false reg.example.com:5000/p/apim-le-cache:v6.0.0",
    ],
    [
      ["push", "--digestfile", "/tmp/push-images-Ab1/digest", "reg/x@sha256:ab"],
      "podman push --digestfile /tmp/push-images-Ab1/digest reg/x@sha256:ab",
    ],
    [["info", "--format", "{{json .RegistryConfig}}"], "podman info --format '{{json .RegistryConfig}}'"],
    [["tag", "a b", ""], "podman tag 'a b' ''"],
    [["tag", "it's"], "podman tag 'it'\\''s'"],
    [["tag", "$(id)", "`id`;rm -rf ~"], "podman tag '$(id)' '`id`;rm -rf ~'"],
    [["tag", "a\nb"], "podman tag 'a\nb'"],
  ])("%j", (args, shown) => {
    expect(formatCommand("podman", args)).toBe(shown);
  });
});

describe("maskSecrets", () => {
  it.each([
    ["podman login --password=hunter2 reg.example.com", "podman login --password=**** reg.example.com"],
    ["podman login --password hunter2 reg.example.com", "podman login --password **** reg.example.com"],
    ["docker login --registry-token=abc.def reg", "docker login --registry-token=**** reg"],
    ["Authorization: Basic cHVzaGVyOmh1bnRlcjI=", "Authorization: Basic ****"],
    ["authorization: bearer eyJhbGciOi.x.y", "authorization: bearer ****"],
    ['{"auths":{"reg.example.com":{"auth":"cHVzaGVyOmh1bnRlcjI="}}}', '{"auths":{"reg.example.com":{"auth":"****"}}}'],
    ['{ "auth" : "cHVzaGVy" , "identitytoken": "tok" }', '{ "auth" : "****" , "identitytoken": "****" }'],
    ['{"ServerURL":"reg","Username":"pusher","Secret":"hunter2"}', '{"ServerURL":"reg","Username":"pusher","Secret":"****"}'],
    ['{"password": "hunter2"}', '{"password": "****"}'],
    ["Get https://pusher:hunter2@reg.example.com/v2/: 401", "Get https://pusher:****@reg.example.com/v2/: 401"],
  ])("%s", (text, masked) => {
    expect(maskSecrets(text)).toBe(masked);
  });

  it("a JSON secret holding an escaped quote is masked to its end", () => {
    const answer = JSON.stringify({ Username: "robot$apim+ci", Secret: 'pa"ss\\ tail' });
    expect(maskSecrets(answer)).toBe('{"Username":"robot$apim+ci","Secret":"****"}');
  });

  it("leaves text without secrets alone", () => {
    const text =
      'podman push --digestfile /tmp/d reg.example.com:5000/p/x:v6 "auths" Authorization https://reg.example.com:5000/v2/';
    expect(maskSecrets(text)).toBe(text);
  });
});

describe("showCommand", () => {
  const password = `pa$$:w0rd'"\\ tail`;
  it.each([
    [["push", "--creds", `robot$apim+ci:${password}`, "r/x"], "podman push --creds 'robot$apim+ci':**** r/x"],
    [["push", `--creds=robot$apim+ci:${password}`], "podman push --creds='robot$apim+ci':****"],
    [["push", "--creds", "pusher:hunter2"], "podman push --creds pusher:****"],
    [["push", "--creds", "no-colon"], "podman push --creds ****"],
    [["login", "--password", password, "reg"], "podman login --password **** reg"],
    [["login", `--password=${password}`, "reg"], "podman login --password=**** reg"],
    [["login", "--registry-token", "a b"], "podman login --registry-token ****"],
    [["push", "--tls-verify=false", "reg:5000/p/x:v1"], "podman push --tls-verify=false reg:5000/p/x:v1"],
    [["tag", "it's", "https://u:p%20w@reg/x"], "podman tag 'it'\\''s' 'https://u:****@reg/x'"],
  ])("%j", (args, shown) => {
    expect(showCommand("podman", args)).toBe(shown);
  });
});

describe("createShell", () => {
  const withLog = (dryRun: boolean) => {
    const logged: string[] = [];
    const shell = createShell({ dryRun, log: createLogger({ quiet: false, verbose: true, write: (t) => logged.push(t) }) });
    return { shell, logged };
  };

  it("hands each argument over as one word, never read by a shell", async () => {
    const { shell } = withLog(false);
    const result = await shell.run("printf", ["%s|", "$(echo injected)", "a b", "`id`;x"]);
    expect(result).toEqual({ exitCode: 0, stdout: "$(echo injected)|a b|`id`;x|", stderr: "" });
  });

  it("passes input on stdin", async () => {
    const { shell } = withLog(false);
    expect((await shell.run("cat", [], { input: "reg.example.com" })).stdout).toBe("reg.example.com");
  });

  it("dry run: a mutating command is shown, not run; a reading one still runs", async () => {
    const { shell, logged } = withLog(true);
    expect(await shell.run("false", ["--password=hunter2"], { mutates: true })).toEqual({ exitCode: 0, stdout: "", stderr: "" });
    expect(logged.join("")).toContain("false --password=****");
    expect(logged.join("")).not.toContain("hunter2");
    expect((await shell.run("false", [])).exitCode).toBe(1);
  });

  it("a missing command exits 127, explained in the verbose log", async () => {
    const { shell, logged } = withLog(false);
    expect((await shell.run("push-images-no-such-tool", ["version"])).exitCode).toBe(127);
    expect(logged.join("")).toContain("-> exit code 127 (command not found)");
  });

  it("masks secrets in the command and its output in the verbose log", async () => {
    const { shell, logged } = withLog(false);
    await shell.run("echo", ['{"auth":"cHVzaGVyOmh1bnRlcjI="}', "--password=hunter2"]);
    expect(logged.join("")).not.toMatch(/hunter2|cHVzaGVy/);
  });

  it("input for a command that is not installed: exit 127, and the broken pipe does not end the program", async () => {
    const { shell } = withLog(false);
    // A large input makes the write outlast the command's start-up failure (EPIPE), as a missing credential helper's did.
    const input = "x".repeat(1 << 20);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => shell.run("docker-credential-absent", ["get"], { input })),
    );
    expect(results.map((r) => r.exitCode)).toEqual(Array(20).fill(127));
  });
});
