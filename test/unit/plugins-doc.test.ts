/**
 * docs/plugins.md keeps up with src/core/hooks.ts: one section per hook, in the
 * order they are declared, naming the hook's tapable type; and each
 * section's example is a site plugin that loads, taps the hook it is about,
 * and leaves a push run as it would have been without it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { createHooks } from "../../src/core/hooks.ts";
import { applySitePlugins } from "../../src/options/site-plugins.ts";
import { fail, type RecordedCall } from "./fake-shell.ts";
import { setUp } from "./harness.ts";

const doc = readFileSync(fileURLToPath(new URL("../../docs/plugins.md", import.meta.url)), "utf8");
const hookNames = Object.keys(createHooks()) as Array<keyof ReturnType<typeof createHooks>>;

/** The `### \`name\`` sections of "## Hooks", by hook name. */
function hookSections(): Map<string, string> {
  const hooksPart = doc.slice(doc.indexOf("\n## Hooks\n"), doc.indexOf("\n## ", doc.indexOf("\n## Hooks\n") + 1));
  const sections = new Map<string, string>();
  for (const part of hooksPart.split("\n### ").slice(1)) sections.set(/^`(\w+)`/.exec(part)?.[1] ?? part, part);
  return sections;
}

const dir = mkdtempSync(join(tmpdir(), "push-images-plugins-doc-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("docs/plugins.md", () => {
  it("has a section for every hook, in the order src/core/hooks.ts declares them", () => {
    expect([...hookSections().keys()]).toEqual(hookNames);
  });

  it.each(hookNames)("%s: the section names the hook's tapable type", (name) => {
    const type = createHooks()[name].constructor.name;
    expect(hookSections().get(name)).toMatch(new RegExp(`^\`${name}\`\\n\\n\`${type}<`));
  });

  it.each(hookNames)("%s: the example loads, its tap on the hook runs, and the run ends as it would without it", async (name) => {
    const example = /```js\n([\s\S]*?)```/.exec(hookSections().get(name) ?? "")?.[1];
    expect(example, `no example in the section of ${name}`).toBeDefined();
    const file = join(dir, `${name}.mjs`);
    writeFileSync(file, example ?? "");
    // podman, so a tagArgs tap makes a tag; one image fails, so `failed` is called too.
    const denied = (call: RecordedCall) => call.args[0] === "push" && call.args.some((arg) => arg.includes("apim-le-toolkit"));
    const { runner } = setUp({
      flags: { registry: "reg.example.com/apim", containerTool: "podman", image: ["apim-le-cache", "apim-le-toolkit"] },
      shell: { answers: [{ when: denied, result: fail("denied: requested access to the resource is denied") }] },
    });
    const hook = runner.hooks[name];
    const before = new Set(hook.taps.map((tap) => tap.name));
    await applySitePlugins(runner, [file]);
    const added = hook.taps.map((tap) => tap.name).filter((tapName) => !before.has(tapName));
    expect(added, `the ${name} example taps ${name}`).not.toEqual([]);
    const ran = new Set<string>();
    hook.intercept({ tap: (tap) => void ran.add(tap.name) });

    const report = await runner.run();
    expect(report.results.map((r) => [r.job.image, r.status, r.error?.code])).toEqual([
      ["apim-le-cache", "pushed", undefined],
      ["apim-le-toolkit", "failed", "ACCESS_DENIED"],
    ]);
    expect(added.filter((tapName) => ran.has(tapName))).toEqual(added);
  });
});
