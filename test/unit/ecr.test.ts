/**
 * plugins/ecr.ts: repository names valid for ECR; repositories must exist
 * before the push. With the aws CLI (answered here by the fake shell),
 * preflight checks each one and --create-repositories creates the missing;
 * without it, the repositories are named and nothing fails.
 */
import { describe, expect, it } from "vitest";
import { fail, ok, type Answer, type RecordedCall } from "./fake-shell.ts";
import { expectedSteps, expectedUntag, rejectionOf, setUp, stepsByTarget, untagCalls } from "./harness.ts";

const HOST = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
const TWO = ["apim-le-cache", "apim-le-toolkit"];
const REPOSITORIES = ["apim/apim-le-cache", "apim/apim-le-toolkit"];
const aws =
  (...args: string[]) =>
  (call: RecordedCall) =>
    call.command === "aws" && args.every((arg, i) => call.args[i] === arg);
const describeArgs = (name: string) => [
  "ecr",
  "describe-repositories",
  "--repository-names",
  name,
  "--region",
  "eu-west-1",
  "--output",
  "json",
];
const createArgs = (name: string) => [
  "ecr",
  "create-repository",
  "--repository-name",
  name,
  "--region",
  "eu-west-1",
  "--output",
  "json",
];
const notFound = (name: string) =>
  fail(
    `\nAn error occurred (RepositoryNotFoundException) when calling the DescribeRepositories operation: The repository with name '${name}' does not exist in the registry with id '123456789012'\n`,
    254,
  );
const AWS_HERE: Answer = { when: aws("--version"), result: ok("aws-cli/2.15.30 Python/3.11.8 Linux/6.1 exe/x86_64\n") };
const exists = (name: string): Answer => ({
  when: aws("ecr", "describe-repositories", "--repository-names", name),
  result: ok(`{"repositories":[{"repositoryName":"${name}"}]}`),
});
const missing = (name: string): Answer => ({
  when: aws("ecr", "describe-repositories", "--repository-names", name),
  result: notFound(name),
});

function run(answers: Answer[], flags: { createRepositories?: boolean; dryRun?: boolean; registry?: string } = {}) {
  return setUp({
    flags: { registry: `${HOST}/apim`, containerTool: "podman", image: TWO, ...flags },
    shell: { answers },
    registryType: "ecr",
  });
}

const awsCalls = (calls: readonly RecordedCall[]) => calls.filter((c) => c.command === "aws").map((c) => [...c.args]);
const targetOf = (image: string) => `${HOST}/apim/${image}:v6.0.0`;

describe("repository names", () => {
  it.each([
    [`${HOST}/a__b`, "a__b/apim-le-cache"],
    [`${HOST}/a--b`, "a--b/apim-le-cache"],
    [`${HOST}/${"a".repeat(250)}`, `${"a".repeat(250)}/apim-le-cache`],
  ])("-r %s: %s is refused before anything runs", async (registry, name) => {
    const { runner, shell } = run([], { registry });
    const error = await rejectionOf(runner.run());
    expect(error).toMatchObject({ code: "INVALID_REGISTRY", exitCode: 2, hint: `choose another -r path for ${HOST}` });
    expect(error.message).toBe(
      `"${name}" is not a valid ECR repository name (lower case, digits, single '.', '_', '-' or '/' between them; 2-256 characters)`,
    );
    expect(shell.calls).toEqual([]);
  });
});

describe("without the aws CLI", () => {
  it("the repositories that must exist are named, and the images pushed", async () => {
    const { runner, shell, logged } = run([
      { when: aws("--version"), result: fail("bash: line 1: aws: command not found", 127) },
    ]);
    const report = await runner.run();
    expect(report.results.map((r) => [r.job.target, r.status])).toEqual(TWO.map((image) => [targetOf(image), "pushed"]));
    expect(awsCalls(shell.calls)).toEqual([["--version"]]);
    expect(logged).toContain(
      `ECR: these repositories must exist in eu-west-1 before the push (no aws CLI here to check): ${REPOSITORIES.join(", ")}\n`,
    );
    expect(stepsByTarget(shell)).toEqual(
      Object.fromEntries(TWO.map((image) => [targetOf(image), expectedSteps("podman", `apim/${image}:v6.0.0`, targetOf(image))])),
    );
    expect(untagCalls(shell)).toEqual([]);
  });
});

describe("with the aws CLI", () => {
  it("all repositories there: each described, first of all checks, then pushed", async () => {
    const { runner, shell, preflightRan } = run([AWS_HERE, ...REPOSITORIES.map(exists)]);
    expect((await runner.run()).results.map((r) => r.status)).toEqual(["pushed", "pushed"]);
    expect(awsCalls(shell.calls)).toEqual([["--version"], ...REPOSITORIES.map(describeArgs)]);
    expect(preflightRan[0]).toBe("ecr");
  });

  it("one missing: REPOSITORY_NOT_FOUND listing it; nothing tagged", async () => {
    const { runner, shell } = run([AWS_HERE, exists(REPOSITORIES[0] as string), missing(REPOSITORIES[1] as string)]);
    const error = await rejectionOf(runner.run());
    expect(error).toMatchObject({
      code: "REPOSITORY_NOT_FOUND",
      exitCode: 1,
      message: "ECR repositories missing in eu-west-1: apim/apim-le-toolkit",
    });
    expect(error.hint).toContain("--create-repositories");
    expect(awsCalls(shell.calls)).toEqual([["--version"], ...REPOSITORIES.map(describeArgs)]);
    expect(shell.mutatingArgs()).toEqual([]);
  });

  it("--create-repositories: the missing ones are created, then pushed", async () => {
    const { runner, shell, logged } = run(
      [AWS_HERE, ...REPOSITORIES.map(missing), { when: aws("ecr", "create-repository"), result: ok("{}") }],
      { createRepositories: true },
    );
    expect((await runner.run()).results.map((r) => r.status)).toEqual(["pushed", "pushed"]);
    expect(awsCalls(shell.calls)).toEqual([["--version"], ...REPOSITORIES.map(describeArgs), ...REPOSITORIES.map(createArgs)]);
    // Creating changes the registry: marked so the real shell only shows it in a dry run.
    expect(shell.calls.filter((c) => c.command === "aws" && c.mutates).map((c) => c.args)).toEqual(REPOSITORIES.map(createArgs));
    expect(logged).toContain("Created ECR repository apim/apim-le-toolkit in eu-west-1\n");
  });

  it("--create-repositories refused by AWS: ACCESS_DENIED naming the repository", async () => {
    const denied = fail(
      "An error occurred (AccessDeniedException) when calling the CreateRepository operation: not authorized to perform: ecr:CreateRepository",
      254,
    );
    const { runner, shell } = run(
      [AWS_HERE, ...REPOSITORIES.map(missing), { when: aws("ecr", "create-repository"), result: denied }],
      { createRepositories: true },
    );
    const error = await rejectionOf(runner.run());
    expect(error.code).toBe("ACCESS_DENIED");
    expect(error.message).toContain("could not create ECR repository apim/apim-le-cache");
    expect(shell.calls.filter((c) => c.command === "podman" && c.mutates)).toEqual([]);
  });

  it("another aws failure (expired credentials): REGISTRY_ERROR, not a missing repository", async () => {
    const expired = fail(
      "An error occurred (ExpiredTokenException) when calling the DescribeRepositories operation: The security token included in the request is expired",
      254,
    );
    const { runner } = run([AWS_HERE, { when: aws("ecr", "describe-repositories"), result: expired }]);
    const error = await rejectionOf(runner.run());
    expect(error.code).toBe("REGISTRY_ERROR");
    expect(error.message).toContain("The security token included in the request is expired");
  });

  it("--dry-run --create-repositories: only the creation (marked as changing) and no tag or push", async () => {
    const { runner, shell } = run([AWS_HERE, ...REPOSITORIES.map(missing)], { createRepositories: true, dryRun: true });
    expect((await runner.run()).results.map((r) => r.status)).toEqual(["planned", "planned"]);
    expect(shell.mutatingArgs()).toEqual(REPOSITORIES.map(createArgs));
  });
});
