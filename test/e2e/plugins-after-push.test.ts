/**
 * A site plugin whose `afterPush` tap throws after a successful push: the
 * image is in the registry, the run fails (exit 1), and the image is
 * counted once, as failed, with a message that says it is in the registry
 * and which plugin failed after it. Until now the progress line said
 * `[1/1] pushed` and then `[2/1] failed`.
 */
import { expect, it } from "vitest";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { runCli } from "./helpers/cli.ts";
import { describeRun, EXIT, expectError } from "./helpers/expect-cli.ts";
import { expectImage } from "./helpers/expect-registry.ts";
import { jsonImages } from "./helpers/json-report.ts";
import { pluginFile } from "./helpers/plugins-files.ts";

const bed = useBed();
const { plain } = bed.registries;
const image = "apim-le-cache";

it("afterPush throws: exit 1, one result line, failed, saying the image is in the registry", async () => {
  const file = pluginFile(
    "notify.mjs",
    `export default function notify(runner) {
  runner.hooks.afterPush.tapPromise('notify', async () => { throw new Error('the chat server is down'); });
}
`,
  );
  const path = uniqueName();
  const r = await runCli(["-r", `${plain.host}/${path}`, "-c", "podman", "-t", "-i", image, "--plugin", file, "--json"]);

  const error = expectError(r, EXIT.failed, "PLUGIN_FAILED");
  expect(error, "says the image got there").toMatch(new RegExp(`${plain.host}/${path}/${image}:v6.0.0 is in the registry`));
  expect(error, "names the plugin and its message").toMatch(/"notify".*the chat server is down/);
  const resultLines = r.stderr.split("\n").filter((line) => /\[\d+\/\d+\]/.test(line));
  expect(resultLines, describeRun(r)).toHaveLength(1);
  expect(resultLines[0], describeRun(r)).toMatch(/\[1\/1\] failed/);
  const [entry] = jsonImages(r);
  expect([entry?.status, entry?.error?.code, entry?.digest?.startsWith("sha256:")], describeRun(r)).toEqual([
    "failed",
    "PLUGIN_FAILED",
    true,
  ]);
  await expectImage(plain, `${path}/${image}`, "v6.0.0", bed.images.defaults.podmanIds[image] as string);
});
