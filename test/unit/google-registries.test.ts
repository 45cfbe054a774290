/**
 * src/options/google-registry-paths.ts: -r must name a valid
 * Google Cloud project id (domain-scoped ids included), and for Artifact
 * Registry a repository after it. Refusals are INVALID_REGISTRY (exit 2)
 * with a corrected -r; accepted ones push with the usual argument lists.
 */
import { describe, expect, it } from "vitest";
import { expectedRun, setUp, thrownBy } from "./harness.ts";

const refusal = (registry: string, registryType: "gcr" | "artifact-registry") =>
  thrownBy(() => setUp({ flags: { registry }, registryType }));
const RULE = "6-30 lower-case letters, digits or '-', starting with a letter and not ending with '-'";

async function pushesTo(registry: string, registryType: "gcr" | "artifact-registry") {
  const { runner, shell } = setUp({ flags: { registry, containerTool: "podman", image: ["apim-le-cache"] }, registryType });
  const report = await runner.run();
  const target = `${registry}/apim-le-cache:v6.0.0`;
  expect(report.results.map((r) => [r.job.target, r.status])).toEqual([[target, "pushed"]]);
  expect(shell.mutatingArgs()).toEqual(expectedRun("podman", "apim/apim-le-cache:v6.0.0", target));
}

describe("GCR", () => {
  it("without a project id: refused", () => {
    expect(refusal("gcr.io", "gcr")).toMatchObject({
      code: "INVALID_REGISTRY",
      exitCode: 2,
      message: "-r gcr.io: the project id is missing; Container Registry paths start with the project id",
      hint: "use -r gcr.io/<project-id>[/path], for example -r gcr.io/my-project/apim",
    });
  });

  it.each(["abcde", "1project", "my_project", "a".repeat(31)])("gcr.io/%s: not a project id", (project) => {
    const error = refusal(`eu.gcr.io/${project}/apim`, "gcr");
    expect(error).toMatchObject({
      code: "INVALID_REGISTRY",
      exitCode: 2,
      hint: "use -r eu.gcr.io/<project-id>[/path], for example -r eu.gcr.io/my-project/apim",
    });
    expect(error.message).toBe(
      `-r eu.gcr.io/${project}/apim: "${project}" is not a project id (${RULE}); Container Registry paths start with the project id`,
    );
  });

  it("a domain without the project after it: the project id is missing", () => {
    expect(refusal("gcr.io/example.com", "gcr").message).toBe(
      "-r gcr.io/example.com: the project id is missing; Container Registry paths start with the project id",
    );
  });

  it.each(["gcr.io/my-project", "eu.gcr.io/my-project/apim/sub", "gcr.io/example.com/my-project", "gcr.io/abcdef"])(
    "%s: pushed as planned",
    async (registry) => {
      await pushesTo(registry, "gcr");
    },
  );
});

describe("Artifact Registry", () => {
  const example =
    "use -r us-docker.pkg.dev/<project-id>/<repository>[/path], for example -r us-docker.pkg.dev/my-project/apim-images";

  it("without a project id: refused", () => {
    expect(refusal("us-docker.pkg.dev", "artifact-registry")).toMatchObject({
      code: "INVALID_REGISTRY",
      exitCode: 2,
      message: "-r us-docker.pkg.dev: the project id is missing",
      hint: example,
    });
  });

  it("without a repository: refused, naming the project", () => {
    expect(refusal("us-docker.pkg.dev/my-project", "artifact-registry")).toMatchObject({
      code: "INVALID_REGISTRY",
      exitCode: 2,
      message: '-r us-docker.pkg.dev/my-project names no Artifact Registry repository after the project "my-project"',
      hint: example,
    });
    expect(refusal("us-docker.pkg.dev/example.com/my-project", "artifact-registry").message).toContain(
      'after the project "example.com:my-project"',
    );
  });

  it.each(["1repo", "repo.x", "repo_x", `r${"a".repeat(63)}`])("repository %s: refused", (repository) => {
    const error = refusal(`us-docker.pkg.dev/my-project/${repository}`, "artifact-registry");
    expect(error).toMatchObject({ code: "INVALID_REGISTRY", exitCode: 2, hint: example });
    expect(error.message).toContain(`"${repository}" is not an Artifact Registry repository name`);
  });

  it("an invalid project id: refused", () => {
    expect(refusal("us-docker.pkg.dev/proj/repo", "artifact-registry").message).toBe(
      `-r us-docker.pkg.dev/proj/repo: "proj" is not a project id (${RULE})`,
    );
  });

  it.each([
    "us-docker.pkg.dev/my-project/apim-images",
    "europe-west1-docker.pkg.dev/my-project/apim-images/sub",
    "us-docker.pkg.dev/example.com/my-project/r",
  ])("%s: pushed as planned", async (registry) => {
    await pushesTo(registry, "artifact-registry");
  });
});
