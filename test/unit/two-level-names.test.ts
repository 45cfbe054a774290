/**
 * plugins/docker-hub.ts and plugins/quay.ts (two-level-names.ts): a
 * repository is exactly namespace/name. No namespace, or a deeper -r
 * without --flatten, is refused (exit 2) with a corrected -r; --flatten
 * joins the extra path onto the image name with '-'.
 */
import { describe, expect, it } from "vitest";
import { expectedRun, expectedSteps, expectedUntag, setUp, stepsByTarget, thrownBy, untagCalls } from "./harness.ts";

const CASES = [
  ["dockerhub", "docker.io", "Docker Hub"],
  ["quay", "quay.io", "quay.io"],
] as const;

describe.each(CASES)("%s", (registryType, host, label) => {
  const refusal = (registry: string, flatten = false) => thrownBy(() => setUp({ flags: { registry, flatten }, registryType }));

  it("no namespace: refused", () => {
    expect(refusal(host)).toMatchObject({
      code: "INVALID_REGISTRY",
      exitCode: 2,
      message: `${label} needs a namespace (your user or organisation) in -r`,
      hint: `use -r ${host}/<namespace>, for example -r ${host}/acme`,
    });
    expect(refusal(host, true).code).toBe("INVALID_REGISTRY");
  });

  it.each([
    ["apim", "apim"],
    ["apim/le", "apim-le"],
  ])("acme/%s: refused, offering --flatten", (extra, joined) => {
    expect(refusal(`${host}/acme/${extra}`)).toMatchObject({
      code: "INVALID_REGISTRY",
      exitCode: 2,
      message: `${label} accepts only namespace/name, and -r ${host}/acme/${extra} adds "${extra}" below the namespace`,
      hint: `use -r ${host}/acme, or add --flatten to push to ${host}/acme/${joined}-<image>`,
    });
  });

  it("namespace only: the plan and the commands are the usual ones", async () => {
    const { runner, shell } = setUp({ flags: { registry: `${host}/acme`, image: ["apim-le-cache"] }, registryType });
    const report = await runner.run();
    expect(report.results.map((r) => r.job)).toEqual([
      { image: "apim-le-cache", source: "apim/apim-le-cache:v6.0.0", target: `${host}/acme/apim-le-cache:v6.0.0` },
    ]);
    expect(shell.mutatingArgs()).toEqual(expectedRun("docker", "apim/apim-le-cache:v6.0.0", `${host}/acme/apim-le-cache:v6.0.0`));
  });

  it.each([
    ["apim", ["apim-le-cache", "apim-le-toolkit"], (image: string) => `apim-${image}`],
    ["a/b", ["apim-le-cache"], (image: string) => `a-b-${image}`],
  ])("--flatten acme/%s: the extra path joins the image name", async (extra, images, name) => {
    const { runner, shell } = setUp({
      flags: { registry: `${host}/acme/${extra}`, image: images, flatten: true, containerTool: "podman" },
      registryType,
    });
    const report = await runner.run();
    const target = (image: string) => `${host}/acme/${name(image)}:v6.0.0`;
    expect(report.results.map((r) => [r.job.source, r.job.target, r.status])).toEqual(
      images.map((image) => [`apim/${image}:v6.0.0`, target(image), "pushed"]),
    );
    expect(stepsByTarget(shell)).toEqual(
      Object.fromEntries(images.map((image) => [target(image), expectedSteps("podman", `apim/${image}:v6.0.0`, target(image))])),
    );
    expect(untagCalls(shell)).toEqual([]);
  });

  it("--flatten with -d: the tag is kept apart from the joined name", async () => {
    const { runner } = setUp({
      flags: { registry: `${host}/acme/apim`, image: ["apim-le-cache"], flatten: true, destTag: "v6-site" },
      registryType,
    });
    expect((await runner.run()).results.map((r) => r.job.target)).toEqual([`${host}/acme/apim-apim-le-cache:v6-site`]);
  });

  it("--flatten in a dry run: the plan shows the joined names", async () => {
    const { runner, logged } = setUp({
      flags: { registry: `${host}/acme/apim`, image: ["apim-le-cache"], flatten: true, dryRun: true },
      registryType,
    });
    await runner.run();
    expect(
      logged
        .join("")
        .split("\n")
        .filter((line) => line.includes(" -> ")),
    ).toEqual([`  apim/apim-le-cache:v6.0.0 -> ${host}/acme/apim-apim-le-cache:v6.0.0`]);
  });
});

describe("the issue's example", () => {
  it("docker.io/acme/apim + apim-le-cache -> docker.io/acme/apim-apim-le-cache:v6.0.0", async () => {
    const { runner, shell } = setUp({
      flags: { registry: "docker.io/acme/apim", image: ["apim-le-cache"], flatten: true },
      registryType: "dockerhub",
    });
    await runner.run();
    expect(shell.mutatingArgs()).toEqual([
      ["tag", "apim/apim-le-cache:v6.0.0", "docker.io/acme/apim-apim-le-cache:v6.0.0"],
      ["push", "docker.io/acme/apim-apim-le-cache:v6.0.0"],
      ["image", "rm", "docker.io/acme/apim-apim-le-cache:v6.0.0"],
    ]);
  });
});
