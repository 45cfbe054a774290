/**
 * --from-archive leaves local storage as it found it. The user has a newer
 * image under the name the archive's image has. Loading the archive (as
 * push-images did until it pushed through the registry API) moved the name
 * onto the archive's image and left the user's as `<none>`; now nothing is
 * loaded: the name stays the user's and the archive's image never enters
 * local storage. For archives podman and dockerd wrote, after a push, a run
 * that failed, and Ctrl-C mid-upload (a stand-in proxy holds the upload).
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../bed/ports.ts";
import { waitFor } from "../bed/wait.ts";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { runCli, startCli, type CliResult } from "./helpers/cli.ts";
import { EXIT, describeRun, expectSuccess } from "./helpers/expect-cli.ts";
import { expectPushed } from "./helpers/expect-registry.ts";
import { testDir, tool, type Tool } from "./helpers/local-tools.ts";
import { removeTag } from "./helpers/archive-tags.ts";
import { forget, freshImage, holdsImage, idOf } from "./helpers/fresh-image.ts";
import { isBlobUpload, startStandInProxy } from "./helpers/stand-in-proxy.ts";

const bed = useBed();
const { plain } = bed.registries;
const apim = bed.images.defaults;
const image = "apim-le-cache";
let closedPort = 0;

beforeAll(async () => {
  closedPort = await freePort();
});

interface Setting {
  /** The tag of this test's name, `apim/apim-le-cache:<tag>`. */
  tag: string;
  archive: string;
  /** Id of the archive's image, which local storage no longer holds. */
  archived: string;
  /** Id of the user's image under the same name. */
  users: string;
}

/** Builds the archive's image, saves it, removes it, and gives its name to the user's (other) image. */
async function setting(name: Tool, tag: string): Promise<Setting> {
  const ref = `${apim.path}/${image}:${tag}`;
  const archived = await freshImage(name, ref);
  const archive = join(testDir(), "old.tar");
  expectSuccess(await runCli(["save", "-o", archive, "-c", name, "-s", tag, "-i", image]));
  await forget(name, archived);
  await tool(name, ["tag", `${apim.path}/${image}:${apim.tag}`, ref]);
  return { tag, archive, archived, users: await idOf(name, ref) };
}

/** The name is still the user's image and the archive's image was never brought into local storage. */
async function expectUntouched(name: Tool, { tag, archived, users }: Setting, r: CliResult): Promise<void> {
  expect(r.stderr, `nothing was loaded\n${describeRun(r)}`).not.toMatch(/Loading .* into/);
  expect(await idOf(name, `${apim.path}/${image}:${tag}`), `the name is still the user's image\n${describeRun(r)}`).toBe(users);
  expect(await holdsImage(name, archived), `the archive's image is not in local storage\n${describeRun(r)}`).toBe(false);
}

/** Runs `test` in a fresh setting and cleans up after it, whatever happened. */
async function inSetting(name: Tool, test: (setting: Setting) => Promise<void>): Promise<void> {
  const tag = uniqueName("r");
  let archived = "";
  try {
    const made = await setting(name, tag);
    archived = made.archived;
    await test(made);
  } finally {
    await removeTag(tag);
    if (archived) for (const where of ["podman", "docker"] as const) await forget(where, archived);
  }
}

describe.each(["podman", "docker"] as const)("--from-archive of an archive -c %s wrote", (name) => {
  const pushFrom = (made: Setting, registry: string, path: string) => [
    "--from-archive",
    made.archive,
    "-r",
    `${registry}/${path}`,
    "-t",
    "-s",
    made.tag,
    "-i",
    image,
  ];

  it("pushed: the archive's image is at the target, local storage untouched", () =>
    inSetting(name, async (made) => {
      const path = uniqueName();
      const r = await runCli(pushFrom(made, plain.host, path));
      expectSuccess(r);
      await expectPushed(plain, path, made.tag, { [image]: made.archived });
      await expectUntouched(name, made, r);
    }));

  it("failed (registry unreachable): local storage untouched", () =>
    inSetting(name, async (made) => {
      const r = await runCli(pushFrom(made, `127.0.0.1:${closedPort}`, uniqueName()));
      expect(r.code, describeRun(r)).toBe(EXIT.failed);
      await expectUntouched(name, made, r);
    }));

  it("SIGINT mid-upload: exit 130, local storage untouched", () =>
    inSetting(name, async (made) => {
      const proxy = await startStandInProxy(plain, (req) => (isBlobUpload(req) ? "hold" : undefined));
      try {
        const run = startCli(pushFrom(made, proxy.registry.host, uniqueName()));
        const ended = () => (run.running() ? undefined : run.output().stderr);
        await waitFor(async () => proxy.requests().some((req) => req.answeredByProxy), {
          what: "an upload to be held",
          abort: ended,
        });
        run.kill("SIGINT");
        const r = await run.result;
        expect(r.code, describeRun(r)).toBe(130);
        await expectUntouched(name, made, r);
      } finally {
        await proxy.close();
      }
    }));
});
