/**
 * ECR's repositories must exist before a push. AWS cannot be reached from
 * here, so: without an `aws` on PATH the dry run's plan must name the
 * repositories to create; with a stand-in `aws` (helpers/plugins-aws-stand-in)
 * preflight's check and --create-repositories are judged by the calls the
 * stand-in received. ECR itself is unreachable, so runs that get past the
 * repository check still end with exit 1 at the registry check.
 */
import { describe, expect, it } from "vitest";
import { useBed } from "./helpers/bed.ts";
import { runCli, type CliResult } from "./helpers/cli.ts";
import { describeRun, EXIT, expectError } from "./helpers/expect-cli.ts";
import { awsStandIn, pathWithoutAws } from "./helpers/plugins-aws-stand-in.ts";
import { toolSpy, type ToolSpy } from "./helpers/tool-spy.ts";

const bed = useBed();
const ecr = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
const images = ["apim-le-cache", "apim-le-toolkit"];
const selected = images.flatMap((i) => ["-i", i]);

function expectNothingChanged(spy: ToolSpy): void {
  const changes = spy.calls("podman").filter((call) => /^(tag|push|untag|load|rmi)\b/.test(call));
  expect(changes, "podman commands that change something").toEqual([]);
}

describe.concurrent("ECR", () => {
  it("dry run without the aws CLI: the plan names every repository that must exist", async () => {
    const spy = toolSpy(["podman"]);
    const r = await runCli(["-r", `${ecr}/apim`, "--dry-run", "-c", "podman"], { env: { PATH: pathWithoutAws(spy.path) } });
    const named = r.stderr.split("\n").find((line) => line.includes("must exist"));
    expect(named, `a line naming the repositories\n${describeRun(r)}`).toBeDefined();
    expect(named).toContain("eu-west-1");
    for (const image of bed.productImages) {
      expect(named, `names apim/${image}`).toContain(`apim/${image}`);
      expect(r.stderr).toContain(`apim/${image}:v6.0.0 -> ${ecr}/apim/${image}:v6.0.0`);
    }
    expectNothingChanged(spy);
    expect(r.code, describeRun(r)).toBe(EXIT.failed);
  });

  it("a missing repository: REPOSITORY_NOT_FOUND names it, and nothing is created or pushed", async () => {
    const spy = toolSpy(["podman"]);
    const aws = awsStandIn(["apim/apim-le-cache"], spy.path);
    const r = await runCli(["-r", `${ecr}/apim`, "-c", "podman", ...selected], { env: { PATH: aws.path } });
    const error = expectError(r, EXIT.failed, "REPOSITORY_NOT_FOUND");
    expect(error).toContain("apim/apim-le-toolkit");
    expect(error).not.toContain("apim/apim-le-cache");
    expect(error).toContain("--create-repositories");
    expect(aws.calls().filter((c) => c.startsWith("ecr describe-repositories"))).toEqual(
      images.map((i) => `ecr describe-repositories --repository-names apim/${i} --region eu-west-1 --output json`),
    );
    expect(aws.calls().filter((c) => c.includes("create-repository"))).toEqual([]);
    expectNothingChanged(spy);
  });

  it("--create-repositories creates only the missing ones", async () => {
    const aws = awsStandIn(["apim/apim-le-cache"]);
    const r = await runCli(["-r", `${ecr}/apim`, "-c", "podman", "--create-repositories", ...selected], {
      env: { PATH: aws.path },
    });
    expect(
      aws.calls().filter((c) => c.includes("create-repository")),
      describeRun(r),
    ).toEqual(["ecr create-repository --repository-name apim/apim-le-toolkit --region eu-west-1 --output json"]);
    expectEcrUnreachable(r);
  });

  it("--create-repositories --dry-run shows the creation and does not run it", async () => {
    const aws = awsStandIn([]);
    const r = await runCli(["-r", `${ecr}/apim`, "-c", "podman", "--create-repositories", "--dry-run", ...selected], {
      env: { PATH: aws.path },
    });
    expect(
      aws.calls().filter((c) => c.includes("create-repository")),
      describeRun(r),
    ).toEqual([]);
    for (const image of images) expect(r.stderr).toContain(`aws ecr create-repository --repository-name apim/${image}`);
    expectEcrUnreachable(r);
  });
});

/** Past the repository check, the run stops at ECR itself, which cannot be reached from here. */
function expectEcrUnreachable(r: CliResult): void {
  expect(r.code, describeRun(r)).toBe(EXIT.failed);
  expect(r.stderr, describeRun(r)).not.toContain("REPOSITORY_NOT_FOUND");
}
