/**
 * After a push the target's manifest is read back: it must name the local
 * image (else VERIFY_FAILED), and the digest reported is the registry's.
 * When it cannot be read back it is VERIFY_FAILED, never pushed on the
 * tool's word.
 */
import { describe, expect, it } from "vitest";
import { fakeDigest, fakeImageId, ok, pushOf } from "./fake-shell.ts";
import { expectedRun, setUp } from "./harness.ts";
import { RegistryStore, sha256 } from "./tiny-registry.ts";

const SOURCE = "apim/apim-le-cache:v6.0.0";
const TARGET = "reg.example.com/p/apim-le-cache:v6.0.0";
const STALE_CONFIG = `sha256:${"e".repeat(64)}`;
const REGISTRY_DIGEST = `sha256:${"d".repeat(64)}`;
const TOOL_DIGEST = `sha256:${"7".repeat(64)}`;
const DOCKER_PUSHED = ok(
  `The push refers to repository [reg.example.com/p/apim-le-cache]\nv6.0.0: digest: ${TOOL_DIGEST} size: 528\n`,
);
const flags = (containerTool: "podman" | "docker") => ({
  registry: "reg.example.com/p",
  containerTool,
  image: ["apim-le-cache"],
});

describe("the registry does not hold the image after the push", () => {
  it.each(["podman", "docker"] as const)("%s: VERIFY_FAILED naming what it holds; the temporary tag is removed", async (tool) => {
    // Another image sits under the tag, and the push (scripted) leaves it there, as a racing push would.
    const store = new RegistryStore();
    store.put(TARGET, STALE_CONFIG);
    const { runner, shell } = setUp({
      flags: flags(tool),
      store,
      shell: { answers: [{ when: pushOf(TARGET), result: tool === "docker" ? DOCKER_PUSHED : ok() }] },
    });
    const [result] = (await runner.run()).results;
    expect(result?.status).toBe("failed");
    expect(result?.error).toMatchObject({
      code: "VERIFY_FAILED",
      exitCode: 1,
      message: `${TARGET} does not hold ${SOURCE} after the push (it names config ${STALE_CONFIG})`,
      hint: "another push to the same tag may have raced this one; run push-images again",
    });
    expect(shell.mutatingArgs()).toEqual(expectedRun(tool, SOURCE, TARGET));
  });
});

describe("the registry holds the image after the push", () => {
  it.each([
    ["podman", ok()],
    ["docker", DOCKER_PUSHED],
  ] as const)("%s: the digest reported is the registry's, not the tool's", async (tool, pushed) => {
    const store = new RegistryStore();
    const putByRegistry = () => store.put(TARGET, fakeImageId(SOURCE), { digest: REGISTRY_DIGEST });
    const { runner } = setUp({
      flags: flags(tool),
      store,
      shell: { answers: [{ when: (c) => pushOf(TARGET)(c) && (putByRegistry(), true), result: pushed }] },
    });
    expect((await runner.run()).results.map((r) => [r.status, r.digest])).toEqual([["pushed", REGISTRY_DIGEST]]);
  });

  it("without a Docker-Content-Digest header, the digest is the manifest's sha256", async () => {
    const store = new RegistryStore();
    const put = () => store.put(TARGET, fakeImageId(SOURCE), { digestHeader: false });
    const { runner } = setUp({
      flags: flags("docker"),
      store,
      shell: { answers: [{ when: (c) => pushOf(TARGET)(c) && (put(), true), result: DOCKER_PUSHED }] },
    });
    const [result] = (await runner.run()).results;
    expect(result?.digest).toBe(sha256(store.bodyOf(TARGET) ?? "no manifest"));
    expect(result?.digest).not.toBe(TOOL_DIGEST);
  });
});

describe("the registry has no manifest for the target after the push", () => {
  it.each(["docker", "podman"] as const)("%s: VERIFY_FAILED, not pushed: the tool's exit code is no proof", async (tool) => {
    // The scripted push reaches no registry the runner can read: 404 before and after.
    const store = new RegistryStore();
    store.route((request) => (request.path.includes("/manifests/") ? { status: 404 } : undefined));
    const answers = tool === "docker" ? [{ when: pushOf(TARGET), result: DOCKER_PUSHED }] : [];
    const { runner } = setUp({ flags: flags(tool), store, shell: { answers } });
    const [result] = (await runner.run()).results;
    expect([result?.status, result?.error?.code]).toEqual(["failed", "VERIFY_FAILED"]);
    expect(result?.error?.message).toMatch(/has no manifest/);
  });
});

describe("the target cannot be read back", () => {
  it.each(["docker", "podman"] as const)(
    "%s: VERIFY_FAILED, not pushed, after asking again: the tool's digest is no proof",
    async (tool) => {
      const store = new RegistryStore();
      // Readable before the push (nothing there), then the registry's API fails: the push cannot be confirmed.
      let pushed = false;
      store.route((request) => (request.path.includes("/manifests/") ? { status: pushed ? 500 : 404 } : undefined));
      const { runner, shell } = setUp({
        flags: flags(tool),
        store,
        shell: {
          answers: [{ when: (c) => pushOf(TARGET)(c) && (pushed = true), result: tool === "docker" ? DOCKER_PUSHED : ok() }],
        },
      });
      const [result] = (await runner.run()).results;
      expect([result?.status, result?.error?.code, result?.error?.exitCode]).toEqual(["failed", "VERIFY_FAILED", 1]);
      expect(result?.error?.message).toBe(
        `${tool} reported ${TARGET} pushed, but the registry did not give it back: manifest of ${TARGET}: HTTP 500`,
      );
      expect(result?.error?.hint).toBe(
        "check what reg.example.com answers to GET /v2/p/apim-le-cache/manifests/v6.0.0 (a proxy or redirect answering in its place?), then run push-images again",
      );
      expect(shell.mutatingArgs()).toEqual(expectedRun(tool, SOURCE, TARGET));
      const readBacks = store.paths().filter((path) => path.includes("/manifests/"));
      expect(readBacks.length, "the look-up, then the read-back and its 2 retries").toBe(4);
    },
  );

  it("an answer that is no manifest (a login page at the end of a redirect): VERIFY_FAILED at once", async () => {
    const store = new RegistryStore();
    let pushed = false;
    const page = { status: 200, headers: { "content-type": "text/html" }, body: "<html>Sign in</html>" };
    store.route((request) => (request.path.includes("/manifests/") ? (pushed ? page : { status: 404 }) : undefined));
    const { runner } = setUp({
      flags: flags("podman"),
      store,
      shell: { answers: [{ when: (c) => pushOf(TARGET)(c) && (pushed = true), result: ok() }] },
    });
    const [result] = (await runner.run()).results;
    expect([result?.status, result?.error?.code]).toEqual(["failed", "VERIFY_FAILED"]);
    expect(result?.error?.message).toContain("the answer is not an image manifest or index");
    expect(
      store.paths().filter((path) => path.includes("/manifests/")),
      "no retry: asking again gives the same page",
    ).toHaveLength(2);
  });
});
