/**
 * The exact argument lists the runner hands to podman and docker, for each
 * flag combination of the seed's command line. Images are pushed several at
 * a time (-j, default 3), so each image's own steps are exact and in order;
 * with -j 1 the whole sequence is. One inspect before; docker's tags are
 * removed by one untag after, and podman pushes with no tag at all.
 */
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RawFlags } from "../../src/options/options.ts";
import { fakeDigest } from "./fake-shell.ts";
import { INSPECT_FORMAT } from "../../src/engine/container-tool.ts";
import { PRODUCT_IMAGES } from "../bed/product.ts";
import { DIGEST_FILE, expectedSteps, expectedUntag, setUp, stepsByTarget, taggedTargets, untagCalls } from "./harness.ts";

const REGISTRY = "reg.example.com/p";
const ALL_IMAGES = PRODUCT_IMAGES;

interface Case {
  readonly name: string;
  readonly flags: Partial<RawFlags>;
  /** [source, target] per image, in the order they must be pushed. */
  readonly jobs: ReadonlyArray<readonly [string, string]>;
}

const CASES: Case[] = [
  {
    name: "defaults: every image, source tag kept",
    flags: { registry: REGISTRY },
    jobs: ALL_IMAGES.map((i) => [`apim/${i}:v6.0.0`, `${REGISTRY}/${i}:v6.0.0`]),
  },
  {
    name: "-i one image",
    flags: { registry: REGISTRY, image: ["apim-le-cache"] },
    jobs: [["apim/apim-le-cache:v6.0.0", "reg.example.com/p/apim-le-cache:v6.0.0"]],
  },
  {
    name: "-i several images, in the order given",
    flags: { registry: REGISTRY, image: ["apim-le-toolkit", "apim-le-cacheloader"] },
    jobs: [
      ["apim/apim-le-toolkit:v6.0.0", "reg.example.com/p/apim-le-toolkit:v6.0.0"],
      ["apim/apim-le-cacheloader:v6.0.0", "reg.example.com/p/apim-le-cacheloader:v6.0.0"],
    ],
  },
  {
    name: "-i repeated: pushed once",
    flags: { registry: REGISTRY, image: ["apim-le-cache", "apim-le-configui", "apim-le-cache"] },
    jobs: [
      ["apim/apim-le-cache:v6.0.0", "reg.example.com/p/apim-le-cache:v6.0.0"],
      ["apim/apim-le-configui:v6.0.0", "reg.example.com/p/apim-le-configui:v6.0.0"],
    ],
  },
  {
    name: "-d: only the target tag changes",
    flags: { registry: REGISTRY, image: ["apim-le-toolkit", "apim-le-cacheloader"], destTag: "apim-trials" },
    jobs: [
      ["apim/apim-le-toolkit:v6.0.0", "reg.example.com/p/apim-le-toolkit:apim-trials"],
      ["apim/apim-le-cacheloader:v6.0.0", "reg.example.com/p/apim-le-cacheloader:apim-trials"],
    ],
  },
  {
    name: "-p: another local repository path",
    flags: { registry: REGISTRY, image: ["apim-le-cache"], sourcePath: "vendor.example.com/tibco/apim" },
    jobs: [["vendor.example.com/tibco/apim/apim-le-cache:v6.0.0", "reg.example.com/p/apim-le-cache:v6.0.0"]],
  },
  {
    name: "-s: another local tag, kept at the target",
    flags: { registry: REGISTRY, image: ["apim-le-cache"], sourceTag: "v6.0.1" },
    jobs: [["apim/apim-le-cache:v6.0.1", "reg.example.com/p/apim-le-cache:v6.0.1"]],
  },
  {
    name: "-p -s -d together, registry with a port and a deep path",
    flags: {
      registry: "127.0.0.1:5000/a/b",
      image: ["apim-le-platformapi"],
      sourcePath: "localhost/apim",
      sourceTag: "6.0.0_rc1",
      destTag: "stable",
    },
    jobs: [["localhost/apim/apim-le-platformapi:6.0.0_rc1", "127.0.0.1:5000/a/b/apim-le-platformapi:stable"]],
  },
  {
    name: "-t",
    flags: { registry: "127.0.0.1:5000/p", image: ["apim-le-cache", "apim-le-toolkit"], noTlsVerify: true },
    jobs: [
      ["apim/apim-le-cache:v6.0.0", "127.0.0.1:5000/p/apim-le-cache:v6.0.0"],
      ["apim/apim-le-toolkit:v6.0.0", "127.0.0.1:5000/p/apim-le-toolkit:v6.0.0"],
    ],
  },
  {
    name: "-t -d -i (the seed's third example)",
    flags: {
      registry: "127.0.0.1:5000/apim-trial",
      image: ["apim-le-toolkit", "apim-le-cacheloader"],
      destTag: "apim-trials",
      noTlsVerify: true,
    },
    jobs: [
      ["apim/apim-le-toolkit:v6.0.0", "127.0.0.1:5000/apim-trial/apim-le-toolkit:apim-trials"],
      ["apim/apim-le-cacheloader:v6.0.0", "127.0.0.1:5000/apim-trial/apim-le-cacheloader:apim-trials"],
    ],
  },
];

/** What a real run shows for podman's digest file, which only exists during a push. */
const PLAN_DIGEST_FILE = join(tmpdir(), "push-images-XXXXXX", "digest");

describe.each(["podman", "docker"] as const)("%s receives", (tool) => {
  it.each(CASES)("$name", async ({ flags, jobs }) => {
    const { runner, shell } = setUp({ flags: { ...flags, containerTool: tool } });
    const report = await runner.run();

    expect(stepsByTarget(shell)).toEqual(
      Object.fromEntries(jobs.map(([source, target]) => [target, expectedSteps(tool, source, target, flags.noTlsVerify)])),
    );
    // docker: one untag, the last command, naming the tags in the order they were made; podman made none.
    expect(untagCalls(shell)).toHaveLength(tool === "docker" ? 1 : 0);
    if (tool === "docker") expect(shell.mutatingArgs().at(-1)).toEqual(expectedUntag(tool, taggedTargets(shell)));
    // Every source and target looked up by one inspect, in plan order.
    expect(shell.argsOf("image").filter((a) => a[1] === "inspect")).toEqual([
      ["image", "inspect", "--format", INSPECT_FORMAT, ...jobs.flat()],
    ]);
    // Everything else only reads, so a dry run may run it.
    expect(shell.calls.filter((c) => !c.mutates).every((c) => /^(version|image inspect|info) /.test(c.args.join(" ")))).toBe(
      true,
    );
    expect(shell.calls.every((c) => c.command === tool)).toBe(true);
    expect(report.results.map((r) => [r.job.source, r.job.target, r.status, r.digest])).toEqual(
      jobs.map(([source, target]) => [source, target, "pushed", fakeDigest(target)]),
    );
  });

  it.each(CASES)("-j 1, $name: one image after the other, in plan order", async ({ flags, jobs }) => {
    const { runner, shell } = setUp({ flags: { ...flags, containerTool: tool, concurrency: "1" } });
    await runner.run();
    expect(shell.mutatingArgs()).toEqual([
      ...jobs.flatMap(([source, target]) => expectedSteps(tool, source, target, flags.noTlsVerify)),
      ...(tool === "docker"
        ? [
            expectedUntag(
              tool,
              jobs.map(([, target]) => target),
            ),
          ]
        : []),
    ]);
  });

  it.each(CASES)("--dry-run, $name: the same lists are shown, none is run", async ({ flags, jobs }) => {
    const { runner, shell, logged } = setUp({ flags: { ...flags, containerTool: tool, dryRun: true } });
    const report = await runner.run();

    expect(shell.mutatingArgs()).toEqual([]);
    const lines = logged.join("").split("\n");
    expect(lines.filter((line) => line.includes(" -> "))).toEqual(jobs.map(([source, target]) => `  ${source} -> ${target}`));
    const shown = (args: unknown[]) => `    $ ${[tool, ...args].join(" ")}`;
    const untag = shown(
      expectedUntag(
        tool,
        jobs.map(([, target]) => target),
      ),
    );
    expect(lines.filter((line) => line.startsWith("    $ "))).toEqual([
      ...jobs.flatMap(([source, target]) => expectedSteps(tool, source, target, flags.noTlsVerify, PLAN_DIGEST_FILE).map(shown)),
      ...(tool === "docker" ? [untag] : []),
    ]);
    if (tool === "docker")
      expect(lines[lines.indexOf(untag) - 1]).toBe("  then, removing the temporary tags (those that were not there before):");
    else expect(lines.join("\n")).not.toContain("temporary tags");
    expect(report.dryRun).toBe(true);
    expect(report.results.map((r) => [r.job.target, r.status, r.digest])).toEqual(
      jobs.map(([, target]) => [target, "planned", undefined]),
    );
  });
});

describe("the whole conversation with the tool, one image", () => {
  it("podman: version, one inspect of both, then the push of the source to docker://TARGET; no tag, no untag", async () => {
    const { runner, shell, store } = setUp({
      flags: { registry: REGISTRY, containerTool: "podman", image: ["apim-le-cache"], noTlsVerify: true },
    });
    await runner.run();
    // The registry is asked for the target before (up to date?) and after the push (does it hold the image?).
    expect(store.paths()).toEqual(["/v2/p/apim-le-cache/manifests/v6.0.0", "/v2/p/apim-le-cache/manifests/v6.0.0"]);
    expect(shell.calls).toEqual([
      { command: "podman", args: ["version", "--format", "{{.Client.Version}}"], mutates: false },
      {
        command: "podman",
        args: [
          "image",
          "inspect",
          "--format",
          INSPECT_FORMAT,
          "apim/apim-le-cache:v6.0.0",
          "reg.example.com/p/apim-le-cache:v6.0.0",
        ],
        mutates: false,
      },
      {
        command: "podman",
        args: [
          "push",
          "--tls-verify=false",
          "--digestfile",
          DIGEST_FILE,
          "apim/apim-le-cache:v6.0.0",
          "docker://reg.example.com/p/apim-le-cache:v6.0.0",
        ],
        mutates: true,
      },
    ]);
  });

  it("docker -t: the daemon's insecure registries are read before the first image is touched", async () => {
    const { runner, shell } = setUp({ flags: { registry: "127.0.0.1:5000/p", image: ["apim-le-cache"], noTlsVerify: true } });
    await runner.run();
    // Preflight inspects the target too (to leave a tag that was already there).
    expect(shell.calls).toEqual([
      { command: "docker", args: ["version", "--format", "{{.Server.Version}}"], mutates: false },
      {
        command: "docker",
        args: [
          "image",
          "inspect",
          "--format",
          INSPECT_FORMAT,
          "apim/apim-le-cache:v6.0.0",
          "127.0.0.1:5000/p/apim-le-cache:v6.0.0",
        ],
        mutates: false,
      },
      { command: "docker", args: ["info", "--format", "{{json .RegistryConfig}}"], mutates: false },
      { command: "docker", args: ["tag", "apim/apim-le-cache:v6.0.0", "127.0.0.1:5000/p/apim-le-cache:v6.0.0"], mutates: true },
      { command: "docker", args: ["push", "127.0.0.1:5000/p/apim-le-cache:v6.0.0"], mutates: true },
      { command: "docker", args: ["image", "rm", "127.0.0.1:5000/p/apim-le-cache:v6.0.0"], mutates: true },
    ]);
  });

  it("podman's digest file lives only for the push", async () => {
    const { runner, shell } = setUp({ flags: { registry: REGISTRY, containerTool: "podman", image: ["apim-le-cache"] } });
    await runner.run();
    const [push] = shell.argsOf("push");
    const digestFile = push?.[push.indexOf("--digestfile") + 1] ?? "";
    expect(digestFile).toMatch(/\/digest$/);
    expect(existsSync(digestFile)).toBe(false);
  });
});
