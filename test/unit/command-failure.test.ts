/**
 * A failed command is reported one way: masked command, exit code with its
 * meaning, the last lines of stderr (src/engine/command-failure.ts).
 */
import { describe, expect, it } from "vitest";
import { exitMeaning, exitStatus, failureDetail, failureReason, lastLines } from "../../src/engine/command-failure.ts";

describe("exit codes", () => {
  it.each([
    [126, "found, but not executable"],
    [127, "command not found"],
    [130, "stopped by SIGINT"],
    [137, "stopped by SIGKILL"],
    [143, "stopped by SIGTERM"],
    [129, "stopped by SIGHUP"],
  ])("%i: %s", (code, meaning) => {
    expect(exitMeaning(code)).toBe(meaning);
    expect(exitStatus(code)).toBe(`exit code ${code} (${meaning})`);
  });

  it.each([1, 2, 125, 128, 200])("%i means only that it failed", (code) => {
    expect(exitMeaning(code)).toBeUndefined();
    expect(exitStatus(code)).toBe(`exit code ${code}`);
  });
});

describe("stderr", () => {
  it("keeps the last five non-blank lines", () => {
    const stderr = ["one", "two", "", "three", "four", "five", "six", "  ", "seven", ""].join("\n");
    expect(lastLines(stderr)).toEqual(["three", "four", "five", "six", "seven"]);
  });

  it("the reason is the last line without 'Error: ', or the exit status when stderr is empty", () => {
    const failed = { command: "podman", args: ["push", "a"], exitCode: 125 };
    expect(failureReason({ ...failed, stderr: "Copying blob\nError: denied: no\n" })).toBe("denied: no");
    expect(failureReason({ ...failed, stderr: " \n" })).toBe("exit code 125");
    expect(failureReason({ ...failed, exitCode: 137, stderr: "" })).toBe("exit code 137 (stopped by SIGKILL)");
  });
});

describe("the detail of a failed command", () => {
  it("shows the command pasteable with secrets masked, its exit status and its stderr's tail", () => {
    const stderr = `${Array.from({ length: 8 }, (_, i) => `line ${i}`).join("\n")}\nError: {"auth": "c2VjcmV0"} refused\n`;
    const args = ["login", "--password", "hunter 2", "-u", "robot$p+ci", "reg:5000"];
    const detail = failureDetail({ command: "podman", args, exitCode: 125, stderr });
    expect(detail.split("\n")).toEqual([
      "$ podman login --password **** -u 'robot$p+ci' reg:5000",
      "exit code 125",
      "line 4",
      "line 5",
      "line 6",
      "line 7",
      'Error: {"auth": "****"} refused',
    ]);
    expect(detail).not.toContain("hunter");
    expect(detail).not.toContain("c2VjcmV0");
  });

  it("a command that was not found says so", () => {
    const detail = failureDetail({ command: "aws", args: ["--version"], exitCode: 127, stderr: "" });
    expect(detail).toBe("$ aws --version\nexit code 127 (command not found)");
  });
});
