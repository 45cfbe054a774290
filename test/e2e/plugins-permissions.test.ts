/**
 * Plugins run as whoever runs push-images, often root (issue 20). As ssh
 * does with keys, a plugin file or a `plugins/` directory that a user other
 * than root and the one running may write is refused before any plugin is
 * loaded (exit 2, PLUGIN_PERMISSIONS), and the printed fix, typed as it
 * stands, makes the same command work. The tests run as root; the bed's
 * operator is the other user.
 */
import { chmodSync, chownSync, existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "../bed/run.ts";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { runCli, type CliOptions } from "./helpers/cli.ts";
import { EXIT, expectError, expectSuccess } from "./helpers/expect-cli.ts";
import { expectPushed, pick } from "./helpers/expect-registry.ts";
import { testDir } from "./helpers/local-tools.ts";
import { pluginFile, programWithPlugins } from "./helpers/plugins-files.ts";

const bed = useBed();
const { plain } = bed.registries;
const image = "apim-le-toolkit";

// Leaves a mark when it is applied: its absence proves it never ran.
const MARKER = `module.exports = function marker(runner) { require('node:fs').writeFileSync(runner.env.PLUGIN_MARK, 'ran'); };\n`;

/**
 * `args` is refused naming `path` and the plugin never runs; the fix is
 * `fix`, and once it is typed as printed the same command succeeds and runs
 * the plugin.
 */
async function expectRefusedThenFixed(args: readonly string[], path: string, fix: string, options: CliOptions = {}) {
  const mark = join(testDir(), "mark");
  const withMark = { ...options, env: { PLUGIN_MARK: mark } };
  const r = await runCli(args, withMark);
  const error = expectError(r, EXIT.invalid, "PLUGIN_PERMISSIONS");
  expect(error, "names what others may write").toContain(path);
  expect(/Fix: (.*)/.exec(error)?.[1]).toBe(fix);
  expect(existsSync(mark), "the plugin ran").toBe(false);

  await run("sh", ["-c", fix]);
  expectSuccess(await runCli(args, withMark));
  expect(existsSync(mark), "the plugin ran after the fix").toBe(true);
}

describe("plugins others may write are refused before any is loaded", () => {
  it("a world-writable file in plugins/: refused; `chmod go-w FILE` as printed, then the push works", async () => {
    const { program, pluginsDir } = programWithPlugins({ "marker.js": MARKER });
    const file = join(pluginsDir, "marker.js");
    chmodSync(file, 0o666);
    const path = uniqueName();
    const args = ["-r", `${plain.host}/${path}`, "-c", "podman", "-t", "-i", image];
    await expectRefusedThenFixed(args, file, `chmod go-w ${file}`, { program });
    await expectPushed(plain, path, "v6.0.0", pick(bed.images.defaults.podmanIds, [image]));
  });

  it("a plugins/ directory anyone may write (not sticky): refused; `chmod go-w DIR` as printed fixes it", async () => {
    const { program, pluginsDir } = programWithPlugins({ "marker.js": MARKER });
    chmodSync(pluginsDir, 0o777);
    const args = ["-r", `${plain.host}/${uniqueName()}`, "-n", "-i", image];
    await expectRefusedThenFixed(args, pluginsDir, `chmod go-w ${pluginsDir}`, { program });
  });

  it("a --plugin file owned by another user: refused; `chown root FILE` as printed fixes it", async () => {
    const file = pluginFile("marker.cjs", MARKER);
    chownSync(file, bed.operator.uid, bed.operator.gid);
    const args = ["-r", `${plain.host}/${uniqueName()}`, "-n", "-i", image, "--plugin", file];
    await expectRefusedThenFixed(args, file, `chown root ${file}`);
  });
});
