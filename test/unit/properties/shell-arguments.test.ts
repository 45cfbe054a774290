/**
 * What reaches podman and docker: for any command line the tool accepts,
 * a whole run on the fake shell (test/unit/fake-shell.ts) hands over only
 * argument lists of strings, to the chosen tool, and no argument carries a
 * shell metacharacter, white space or a control character, so even a
 * shell that got them unquoted would read each as one plain word. The
 * quoting itself is tested in shell-quoting.test.ts.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PushImagesError } from "../../../src/core/errors.ts";
import { fail } from "../fake-shell.ts";
import { setUp, type TestRun } from "../harness.ts";
import { rawFlagsInput, registryTypeInput } from "./flags.ts";

const SHELL_SPECIAL = /[\s;&|<>()$`\\"'*?[\]#~{}!\x00-\x1f\x7f]/;

/**
 * The argument without the parts that are not input: an IPv6 host literal
 * that opens a reference ("[::1]:5000/...", also after podman's
 * "docker://"), whose brackets the reference grammar requires.
 */
const inputPart = (arg: string) => arg.replace(/^(docker:\/\/)?\[[0-9A-Fa-f:.]*\](?=[:/])/, "ipv6-host");

/** Every argument that came from input: all but the Go templates the tool itself passes after --format. */
function inputArguments(args: readonly string[]): string[] {
  return args.filter((_, i) => args[i - 1] !== "--format");
}

describe("a run of any accepted command line", () => {
  it("hands the container tool plain words only", async () => {
    await fc.assert(
      fc.asyncProperty(rawFlagsInput, registryTypeInput, async (flags, registryType) => {
        let run: TestRun;
        try {
          run = setUp({
            flags,
            registryType,
            // ECR's plugin asks for the aws CLI: here it is not installed.
            shell: { answers: [{ when: (call) => call.command === "aws", result: fail("aws: command not found", 127) }] },
          });
        } catch (error) {
          if (error instanceof PushImagesError) return;
          throw error;
        }
        await run.runner.run().catch((error: unknown) => {
          if (!(error instanceof PushImagesError)) throw error;
        });
        for (const { command, args } of run.shell.calls) {
          expect([run.options.containerTool, "aws"]).toContain(command);
          for (const arg of args) expect(typeof arg, `${command} ${args.join(" ")}`).toBe("string");
          for (const arg of inputArguments(args)) {
            expect(
              SHELL_SPECIAL.exec(inputPart(arg))?.[0],
              `${JSON.stringify(arg)} in ${command} ${args.join(" ")}`,
            ).toBeUndefined();
          }
        }
      }),
      { numRuns: 600 },
    );
    // 600 whole runs: seconds on a busy 2-core machine, more than vitest's default 5 s.
  }, 60_000);
});
