/**
 * Masking, for any password: what -v and --dry-run show of a command or of
 * a credential helper's answer does not depend on the password at all (so
 * no part of it shows, whatever quotes, spaces, backslashes or `$` it
 * holds), while a robot account's user name (`robot$project+name`) shows
 * as it is. And the login command a fix names, pasted into bash, gives
 * the tool exactly the user name it was made with.
 */
import { execFileSync } from "node:child_process";
import fc from "fast-check";
import { describe, it } from "vitest";
import { maskSecrets, showCommand } from "../../../src/engine/command-text.ts";
import { loginCommand } from "../../../src/registry/login-command.ts";
import { check } from "./check.ts";
import { hostileText } from "./inputs.ts";

const password = fc.oneof(hostileText, fc.string({ unit: "grapheme", maxLength: 12 }));
/** Harbor robot names and their kin: no colon (it ends the user in user:password). */
const user = fc.string({ unit: fc.constantFrom(..."robot$apim+ci_.-@%' \"\\"), minLength: 1, maxLength: 16 });

const commands = (name: string, secret: string): string[][] => [
  ["push", "--creds", `${name}:${secret}`, "reg:5000/p/x:v1"],
  ["push", `--creds=${name}:${secret}`, "reg:5000/p/x:v1"],
  ["login", "--password", secret, "-u", name, "reg:5000"],
  ["login", `--password=${secret}`, "reg:5000"],
  ["login", "--registry-token", secret, "reg:5000"],
];

describe("secrets in what is shown", () => {
  it("a command shows the same for every password", () => {
    fc.assert(
      fc.property(user, password, (name, secret) => {
        const reference = commands(name, "x").map((args) => showCommand("podman", args));
        commands(name, secret).forEach((args, i) => {
          const shown = showCommand("podman", args);
          check(shown === reference[i], () => `${JSON.stringify(args)} shows as ${shown}`);
        });
      }),
      { numRuns: 300 },
    );
  });

  it("a credential helper's answer shows the same for every secret", () => {
    fc.assert(
      fc.property(user, password, (name, secret) => {
        const answer = (s: string) => maskSecrets(JSON.stringify({ ServerURL: "reg:5000", Username: name, Secret: s }));
        check(answer(secret) === answer("x"), () => `shown as ${answer(secret)}`);
        check(answer(secret).includes(JSON.stringify(name)), () => `the user is not shown as it is: ${answer(secret)}`);
      }),
      { numRuns: 300 },
    );
  });
});

describe("the login command of a fix", () => {
  it("pasted into bash, hands podman and docker the user name as it is", () => {
    // Few runs: each starts a bash.
    fc.assert(
      fc.property(user, fc.constantFrom("podman" as const, "docker" as const), fc.boolean(), (name, tool, tlsVerify) => {
        const command = loginCommand(tool, "reg.example:5000", tlsVerify, name);
        const words = execFileSync("bash", ["-c", `printf '%s\\0' ${command}`], { encoding: "utf8" })
          .split("\0")
          .slice(0, -1);
        const tls = tool === "podman" && !tlsVerify ? ["--tls-verify=false"] : [];
        const expected = [tool, "login", ...tls, "-u", name, "reg.example:5000"];
        check(JSON.stringify(words) === JSON.stringify(expected), () => `${command} gives bash ${JSON.stringify(words)}`);
      }),
      { numRuns: 60 },
    );
  });
});
