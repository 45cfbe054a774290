/**
 * verify's check of one image against a registry answered from memory:
 * every platform of an index and every blob, nothing but GET and HEAD; and
 * the pull-secret lines (a user quoted for bash, never a password).
 */
import { describe, expect, it } from "vitest";
import { verifyImage } from "../../src/core/verify-image.ts";
import { pullSecretLines } from "../../src/core/pull-secret.ts";
import { pinnedReferences } from "../../src/core/report.ts";
import type { RegistryConnection } from "../../src/registry/connection.ts";

const NAME = "apim/apim-le-cache";
const TARGET = `reg.example.com/${NAME}:v6.0.0`;
const job = { image: "apim-le-cache", source: "apim/apim-le-cache:v6.0.0", target: TARGET };
const digest = (c: string) => `sha256:${c.repeat(64)}`;

function image(config: string, layers: string[]) {
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    config: { digest: digest(config) },
    layers: layers.map((layer) => ({ digest: digest(layer), mediaType: "application/vnd.oci.image.layer.v1.tar+gzip" })),
  });
}

const index = JSON.stringify({
  schemaVersion: 2,
  mediaType: "application/vnd.oci.image.index.v1+json",
  manifests: [
    { digest: digest("a"), platform: { os: "linux", architecture: "amd64" } },
    { digest: digest("b"), platform: { os: "linux", architecture: "arm64" } },
  ],
});

/** A registry holding `manifests` (by tag or digest) and `blobs`; records each method it was asked with. */
function registry(manifests: Record<string, string>, blobs: string[]) {
  const methods: string[] = [];
  const connection: RegistryConnection = {
    baseUrl: "https://reg.example.com",
    login: "podman login reg.example.com",
    stream: () => Promise.reject(new Error("no uploads in verify")),
    anonymous: () => Promise.reject(new Error("not asked here")),
    async request(path, { method = "GET" } = {}) {
      methods.push(method);
      const manifest = /\/manifests\/(.+)$/.exec(path)?.[1];
      if (manifest !== undefined) {
        const body = manifests[decodeURIComponent(manifest)];
        return body
          ? { status: 200, headers: { "docker-content-digest": digest("f") }, body }
          : { status: 404, headers: {}, body: "" };
      }
      const blob = /\/blobs\/(.+)$/.exec(path)?.[1] ?? "";
      return { status: blobs.includes(blob) ? 200 : 404, headers: {}, body: "" };
    },
  };
  return { connection, methods };
}

const pushAgain = (image: string, force: boolean) => `push-images -r reg.example.com/apim -i ${image}${force ? " --force" : ""}`;

describe("verify of one image", () => {
  it("an index: every platform's manifest and blobs, with GET and HEAD only", async () => {
    const { connection, methods } = registry(
      { "v6.0.0": index, [digest("a")]: image("c", ["1", "2"]), [digest("b")]: image("d", ["3"]) },
      [digest("c"), digest("1"), digest("2"), digest("d")],
    );
    const result = await verifyImage(connection, job, undefined, pushAgain);
    expect(result).toMatchObject({
      status: "incomplete",
      problems: [`layer 1 of 1 of the linux/arm64 image, blob ${digest("3")} is missing`],
    });
    expect(result.fix).toContain("push-images -r reg.example.com/apim -i apim-le-cache --force");
    expect(new Set(methods)).toEqual(new Set(["GET", "HEAD"]));
  });

  it("an index whose platform manifest is gone: incomplete, naming the platform", async () => {
    const { connection } = registry({ "v6.0.0": index, [digest("a")]: image("c", []) }, [digest("c")]);
    const result = await verifyImage(connection, job, undefined, pushAgain);
    expect(result.problems).toEqual([`the linux/arm64 manifest ${digest("b")} is missing`]);
  });

  it("the local image is another: different, and the fix is a plain push", async () => {
    const { connection } = registry({ "v6.0.0": image("c", ["1"]) }, [digest("c"), digest("1")]);
    const result = await verifyImage(connection, job, digest("e"), pushAgain);
    expect(result).toMatchObject({ status: "different", fix: expect.stringMatching(/-i apim-le-cache$/) });
  });

  it("whole: the served digest, no fix", async () => {
    const { connection } = registry({ "v6.0.0": image("c", ["1"]) }, [digest("c"), digest("1")]);
    expect(await verifyImage(connection, job, digest("c"), pushAgain)).toEqual({
      job,
      status: "whole",
      digest: digest("f"),
      problems: [],
    });
  });
});

describe("pull-secret lines", () => {
  it("a robot account is quoted for bash; Harbor gets the robot-account note", () => {
    const lines = pullSecretLines({ host: "harbor.example.com", username: "robot$apim+ci", registryType: "harbor" });
    expect(lines[1]).toBe(
      "  kubectl create secret docker-registry <name> --docker-server=harbor.example.com " +
        "--docker-username='robot$apim+ci' --docker-password=<password>",
    );
    expect(lines.at(-1)).toContain("robot account with pull permission");
  });

  it("no login known: <user> to fill in; Docker Hub's server is its v1 index", () => {
    const [, create] = pullSecretLines({ host: "docker.io", registryType: "dockerhub" });
    expect(create).toContain("--docker-server=https://index.docker.io/v1/ --docker-username=<user> ");
  });
});

describe("--digest-file's lines", () => {
  it("after a partial failure: the images at the target (pushed or up to date), pinned, in the plan's order", () => {
    const at = (image: string) => ({ image, source: `apim/${image}:v6.0.0`, target: `reg.example.com/apim/${image}:v6.0.0` });
    const results = [
      { job: at("a"), status: "pushed" as const, digest: digest("1"), seconds: 1, attempts: 1 },
      { job: at("b"), status: "failed" as const, seconds: 1, attempts: 4 },
      { job: at("c"), status: "up-to-date" as const, digest: digest("2"), seconds: 0, attempts: 0 },
    ];
    const report = { results, planned: 4, notStarted: [at("d")], seconds: 2, dryRun: false };
    expect(pinnedReferences(report)).toEqual([
      `reg.example.com/apim/a:v6.0.0@${digest("1")}`,
      `reg.example.com/apim/c:v6.0.0@${digest("2")}`,
    ]);
  });
});
