/**
 * build/push-images.mjs is one script for Node.js and for Deno (issue 4):
 * the same real push, with each container tool, under
 * `node build/push-images.mjs` and `deno run -A build/push-images.mjs`
 * (deno from node_modules/.bin), judged in the registry. PATH still has no
 * node: each runtime is started by its own path, as a user would type it.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BUILD_DIR, REPO_ROOT } from "../bed/program.ts";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { runCli } from "./helpers/cli.ts";
import { expectSuccess } from "./helpers/expect-cli.ts";
import { expectPushed, pick } from "./helpers/expect-registry.ts";
import { expectDigestsServed, jsonImages, statuses } from "./helpers/json-report.ts";
import { LOOPBACK_FLAGS } from "./helpers/tool-flags.ts";

const bed = useBed();
const { plain } = bed.registries;
const apim = bed.images.defaults;
const SCRIPT = join(BUILD_DIR, "push-images.mjs");
const two = ["apim-le-cacheloader", "apim-le-configui"];

const runtimes = [
  { runtime: "node", launcher: [process.execPath], env: {}, names: /runtime: Node\.js v\d+/ },
  {
    runtime: "deno",
    launcher: [join(REPO_ROOT, "node_modules", ".bin", "deno"), "run", "-A"],
    // No look for a newer deno: the bed has no network, and a run must not wait for one.
    env: { DENO_NO_UPDATE_CHECK: "1" },
    names: /runtime: Deno \d+/,
  },
];

const tools = [
  { tool: "podman", flags: LOOPBACK_FLAGS.podman, ids: apim.podmanIds },
  { tool: "docker", flags: LOOPBACK_FLAGS.docker, ids: apim.dockerIds },
];

describe.each(runtimes)("$runtime build/push-images.mjs", ({ launcher, env, names }) => {
  it.each(tools)("pushes with $tool, and --json reports the digests the registry serves", async ({ flags, ids }) => {
    const path = uniqueName();
    const r = await runCli(["-r", `${plain.host}/${path}`, ...flags, ...two.flatMap((i) => ["-i", i]), "--json"], {
      program: SCRIPT,
      launcher,
      env,
    });
    expectSuccess(r);
    await expectPushed(plain, path, apim.tag, pick(ids, two));
    const images = jsonImages(r);
    expect(statuses(images)).toEqual(Object.fromEntries(two.map((image) => [image, "pushed"])));
    await expectDigestsServed(plain, path, apim.tag, images);
  });

  it("--version --verbose names the runtime it runs on", async () => {
    const r = await runCli(["--version", "--verbose"], { program: SCRIPT, launcher, env });
    expectSuccess(r);
    expect(r.stdout).toMatch(names);
  });
});
