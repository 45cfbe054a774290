/**
 * Site plugins dropped into `plugins/` beside the program: loaded in name
 * order whatever the working directory, able to reshape the targets
 * (checked in the registry) and to see each pushed image (checked against
 * the registry's digests). Files that are not .js/.mjs/.cjs are ignored.
 * A plugin's preflight check before the registry stage runs before the
 * registry is asked, so it can set up the login.
 */
import { describe, expect, it } from "vitest";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { runCli } from "./helpers/cli.ts";
import { expectSuccess } from "./helpers/expect-cli.ts";
import { expectPushed, pick } from "./helpers/expect-registry.ts";
import { isolatedLogins, testDir } from "./helpers/local-tools.ts";
import { pluginFile, programWithPlugins, readJsonLines } from "./helpers/plugins-files.ts";
import { RegistryClient } from "./helpers/registry-client.ts";
import { LOOPBACK_FLAGS } from "./helpers/tool-flags.ts";

const bed = useBed();
const { plain } = bed.registries;
const apim = bed.images.defaults;
const two = ["apim-le-cacheloader", "apim-le-platformapi"];

// CommonJS, function form: every image goes one level down, under mirror/.
const MIRROR = `module.exports = function siteMirror(runner) {
  runner.hooks.plan.tap('site-mirror', (jobs) =>
    jobs.map((job) => ({ ...job, target: job.target.replace('/' + job.image + ':', '/mirror/' + job.image + ':') })));
};
`;

// ESM, object form: records the plan it is handed and each pushed image.
const RECORD = `import { appendFileSync } from 'node:fs';
export default {
  name: 'site-record',
  apply(runner) {
    const file = runner.env.SITE_RECORD;
    const line = (entry) => appendFileSync(file, JSON.stringify(entry) + '\\n');
    runner.hooks.plan.tap('site-record', (jobs) => {
      line({ hook: 'plan', targets: jobs.map((job) => job.target) });
      return jobs;
    });
    runner.hooks.afterPush.tapPromise('site-record', async (job, result) => {
      line({ hook: 'afterPush', image: job.image, target: job.target, status: result.status, digest: result.digest });
    });
  },
};
`;

interface Recorded {
  hook: string;
  targets?: string[];
  image?: string;
  target?: string;
  status?: string;
  digest?: string;
}

describe("plugins/ beside the program", () => {
  it("reshape the targets and record each push, loaded in name order", async () => {
    const { program } = programWithPlugins({
      "10-mirror.js": MIRROR,
      "20-record.mjs": RECORD,
      // Not a plugin: were it loaded, its text would fail to parse.
      "README.txt": "Site plugins for push-images live here.\n",
    });
    const record = `${testDir()}/record.jsonl`;
    const path = uniqueName();
    const r = await runCli(["-r", `${plain.host}/${path}`, "-c", "podman", "-t", ...two.flatMap((i) => ["-i", i])], {
      program,
      // Elsewhere than the program: plugins/ is found beside it, not in the working directory.
      cwd: testDir(),
      env: { SITE_RECORD: record },
    });
    expectSuccess(r);

    const client = new RegistryClient(plain);
    const repos = (await client.catalog()).filter((repo) => repo.startsWith(`${path}/`));
    expect(repos, "only the reshaped repositories").toEqual(two.map((image) => `${path}/mirror/${image}`).sort());
    await expectPushed(plain, `${path}/mirror`, apim.tag, pick(apim.podmanIds, two));

    const targets = two.map((image) => `${plain.host}/${path}/mirror/${image}:${apim.tag}`);
    const lines = readJsonLines<Recorded>(record);
    // 20-record ran after 10-mirror, so the plan it saw was already reshaped.
    expect(lines.filter((l) => l.hook === "plan")).toEqual([{ hook: "plan", targets }]);
    const pushes = lines.filter((l) => l.hook === "afterPush").sort((a, b) => String(a.image).localeCompare(String(b.image)));
    expect(pushes.map((l) => [l.image, l.target, l.status])).toEqual(two.map((image, i) => [image, targets[i], "pushed"]));
    for (const pushed of pushes) {
      const manifest = await client.manifest(`${path}/mirror/${pushed.image}`, apim.tag);
      expect(pushed.digest, `afterPush digest of ${pushed.image}`).toBe(manifest?.digest);
    }
  });
});

describe("a site plugin that logs in during preflight", () => {
  // Writes the stored login before the registry stage (0), as a plugin that
  // fetches it from a vault would; the registry must not be asked before it.
  const VAULT_LOGIN = `const { writeFileSync } = require('node:fs');
module.exports = {
  name: 'vault-login',
  apply(runner) {
    runner.hooks.preflight.tapPromise({ name: 'vault-login', stage: -100 }, async () => {
      const auth = Buffer.from(process.env.VAULT_USER + ':' + process.env.VAULT_PASSWORD).toString('base64');
      writeFileSync(process.env.REGISTRY_AUTH_FILE, JSON.stringify({ auths: { [runner.options.registry.host]: { auth } } }));
    });
  },
};
`;

  it("pushes to a registry that demands that login", async () => {
    const { auth } = bed.registries;
    const { username = "", password = "" } = auth.credentials ?? {};
    const path = uniqueName();
    const r = await runCli(
      [
        "-r",
        `${auth.host}/${path}`,
        ...LOOPBACK_FLAGS.podman,
        "-i",
        "apim-le-cache",
        "--plugin",
        pluginFile("vault-login.cjs", VAULT_LOGIN),
      ],
      {
        env: { ...isolatedLogins(), VAULT_USER: username, VAULT_PASSWORD: password },
      },
    );
    expectSuccess(r);
    await expectPushed(auth, path, apim.tag, pick(apim.podmanIds, ["apim-le-cache"]));
  });
});
