/**
 * A site plugin that breaks stops the run before anything is pushed, with
 * an error naming the plugin, its file and its message (docs/plugins.md).
 * One that cannot be loaded or applied is invalid input: exit 2,
 * `Error [BAD_PLUGIN]` (it once exited 1, against the README's rule).
 * One that throws inside a hook fails the run: exit 1,
 * `Error [PLUGIN_FAILED]`. The runs are otherwise valid, so a tool that
 * pushed past the plugin would leave a trace in the registry.
 */
import { describe, expect, it } from "vitest";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { runCli } from "./helpers/cli.ts";
import { EXIT, expectError } from "./helpers/expect-cli.ts";
import { expectNoTrace } from "./helpers/expect-registry.ts";
import { pluginFile } from "./helpers/plugins-files.ts";

const bed = useBed();
const { plain } = bed.registries;

/** While applied or loaded: exit 2, BAD_PLUGIN. In a hook during the run: exit 1, PLUGIN_FAILED. */
const BAD = { exit: EXIT.invalid, code: "BAD_PLUGIN" } as const;
const FAILED = { exit: EXIT.failed, code: "PLUGIN_FAILED" } as const;

async function expectPluginFailure(
  file: string,
  plugin: string,
  message: string,
  how: typeof BAD | typeof FAILED,
): Promise<string> {
  const token = uniqueName();
  const r = await runCli([
    "-r",
    `${plain.host}/${token}`,
    "-c",
    "podman",
    "-t",
    "-i",
    "apim-le-cache",
    "-i",
    "apim-le-toolkit",
    "--plugin",
    file,
  ]);
  const error = expectError(r, how.exit, how.code);
  expect(error, "names the plugin").toContain(`"${plugin}"`);
  expect(error, "names the plugin's file").toContain(file);
  expect(error, "gives the plugin's message").toContain(message);
  await expectNoTrace(token);
  return error;
}

describe.concurrent("a plugin that throws", () => {
  it("while it is applied (CommonJS, object form)", async () => {
    const file = pluginFile(
      "approval-gate.cjs",
      `module.exports = {
  name: 'approval-gate',
  apply() { throw new Error('no change ticket for this push'); },
};
`,
    );
    await expectPluginFailure(file, "approval-gate", "no change ticket for this push", BAD);
  });

  // One hook of each kind: the sync waterfall, and async hooks before and during the pushes.
  it.each([
    ["plan", `runner.hooks.plan.tap('quota', () => { throw new Error('disk quota exceeded'); });`],
    ["preflight", `runner.hooks.preflight.tapPromise('quota', async () => { throw new Error('disk quota exceeded'); });`],
    ["beforePush", `runner.hooks.beforePush.tapPromise('quota', async () => { throw new Error('disk quota exceeded'); });`],
  ])("inside the %s hook (ESM, function form)", async (hook, tap) => {
    const file = pluginFile("quota.mjs", `export default function quota(runner) {\n  ${tap}\n}\n`);
    const error = await expectPluginFailure(file, "quota", "disk quota exceeded", FAILED);
    expect(error, "names the hook").toContain(`"${hook}"`);
  });
});

describe.concurrent("a plugin that cannot be loaded", () => {
  it("a syntax error", async () => {
    const file = pluginFile("broken.mjs", 'export default {\n  name: "broken",\n  apply(runner) {\n');
    await expectPluginFailure(file, "broken.mjs", "failed to load", BAD);
  });

  it("exports neither { name, apply } nor a function", async () => {
    const file = pluginFile("shapeless.cjs", "module.exports = { apply: 42 };\n");
    await expectPluginFailure(file, "shapeless.cjs", "exports neither", BAD);
  });
});
