/**
 * The commands that put local storage back after a load, exactly as each
 * tool gets them: the listing before, the listing after, a `tag` per moved
 * name, one drop of the added names, a listing again, then one removal of
 * the images the load brought in. A failing step is a warning naming the
 * command to run by hand, and the rest still runs.
 */
import { describe, expect, it } from "vitest";
import type { ArchiveImage } from "../../src/archive/archive-contents.ts";
import { StorageGuard } from "../../src/archive/storage-guard.ts";
import { ContainerTool } from "../../src/container-tool.ts";
import { createLogger } from "../../src/logger.ts";
import type { CommandResult, Shell } from "../../src/shell.ts";

const USER = `sha256:${"a".repeat(64)}`;
const LOADED = `sha256:${"b".repeat(64)}`;
const LIST = ["images", "--all", "--no-trunc", "--format", "{{.ID}}\t{{.Repository}}:{{.Tag}}"];
const ARCHIVE: ArchiveImage[] = [{ id: LOADED, repoTags: ["apim/x:t", "apim/extra:t"] }];

/** Answers each listing with the next of `listings`, and everything else with `other(args)`. */
function scriptedShell(listings: string[], other: (args: readonly string[]) => CommandResult = () => ok("")) {
  const calls: string[][] = [];
  const shell: Shell = {
    async run(_command, args) {
      calls.push([...args]);
      return args[0] === "images" ? ok(listings.shift() ?? "") : other(args);
    },
    stopAll() {},
  };
  return { shell, calls };
}

function ok(stdout: string): CommandResult {
  return { exitCode: 0, stdout, stderr: "" };
}

function guarded(tool: "podman" | "docker", shell: Shell) {
  const logged: string[] = [];
  const log = createLogger({ quiet: false, verbose: false, write: (text) => logged.push(text) });
  return { guard: new StorageGuard(new ContainerTool(tool, shell), shell, log), logged };
}

describe.each([
  { tool: "podman", drop: ["untag", LOADED, "localhost/apim/extra:t"], remove: ["rmi", LOADED] },
  { tool: "docker", drop: ["image", "rm", "localhost/apim/extra:t"], remove: ["image", "rm", LOADED] },
] as const)("$tool", ({ tool, drop, remove }) => {
  const before = `${USER}\tlocalhost/apim/x:t\n`;
  const afterLoad = `${USER}\t<none>:<none>\n${LOADED}\tlocalhost/apim/x:t\n${LOADED}\tlocalhost/apim/extra:t\n`;
  const afterFix = `${USER}\tlocalhost/apim/x:t\n${LOADED}\t<none>:<none>\n`;

  it("moved name back, added name dropped, loaded image removed; one line says so", async () => {
    const { shell, calls } = scriptedShell([before, afterLoad, afterFix]);
    const { guard, logged } = guarded(tool, shell);
    await guard.note();
    await guard.restore(ARCHIVE);
    expect(calls).toEqual([LIST, LIST, ["tag", USER, "localhost/apim/x:t"], drop, LIST, remove]);
    expect(logged).toEqual([
      "Local storage put back as found after loading: localhost/apim/x:t names your image aaaaaaaaaaaa again; "
        + "dropped localhost/apim/extra:t; removed the image it added (bbbbbbbbbbbb)\n",
    ]);
  });

  it("a failing step warns with the command to run by hand; the others still run", async () => {
    const failing = { exitCode: 1, stdout: "", stderr: "Error: image is in use by a container" };
    const { shell, calls } = scriptedShell([before, afterLoad, afterFix], (args) => (args[0] === "tag" ? failing : ok("")));
    const { guard, logged } = guarded(tool, shell);
    await guard.note();
    await guard.restore(ARCHIVE);
    expect(calls).toEqual([LIST, LIST, ["tag", USER, "localhost/apim/x:t"], drop, LIST, remove]);
    expect(logged[0]).toBe(`Warning: '${tool} tag ${USER} localhost/apim/x:t' failed: Error: image is in use by a container; `
      + "run it by hand to leave storage as it was\n");
  });

  it("nothing noted (dry run, or the run stopped before loading): nothing runs", async () => {
    const { shell, calls } = scriptedShell([]);
    await guarded(tool, shell).guard.restore(ARCHIVE);
    expect(calls).toEqual([]);
  });
});
