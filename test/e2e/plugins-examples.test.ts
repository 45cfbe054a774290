/**
 * The two worked examples of docs/plugins.md, run from examples/plugins
 * with --plugin: tag-suffix.mjs (ESM, object form) and audit-log.cjs
 * (CommonJS, function form). What they did is judged in the registry: the
 * suffixed tags, and the audit lines' digests against the manifests.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { runCli } from "./helpers/cli.ts";
import { expectSuccess } from "./helpers/expect-cli.ts";
import { expectImage, expectTags } from "./helpers/expect-registry.ts";
import { testDir } from "./helpers/local-tools.ts";
import { EXAMPLES_DIR, readJsonLines } from "./helpers/plugins-files.ts";
import { RegistryClient } from "./helpers/registry-client.ts";

const bed = useBed();
const { plain } = bed.registries;
const apim = bed.images.defaults;
const tagSuffix = join(EXAMPLES_DIR, "tag-suffix.mjs");
const auditLog = join(EXAMPLES_DIR, "audit-log.cjs");

interface AuditLine {
  time: string;
  user: string | null;
  source: string;
  target: string;
  status: string;
  digest: string | null;
}

describe("--plugin with the documented examples", () => {
  it("tag-suffix.mjs (ESM), given relative to the working directory: the default suffix -site", async () => {
    const image = "apim-le-trafficmanager";
    const path = uniqueName();
    const r = await runCli(["-r", `${plain.host}/${path}`, "-c", "podman", "-t", "-i", image, "--plugin", "tag-suffix.mjs"], {
      cwd: EXAMPLES_DIR,
      env: { TAG_SUFFIX: undefined },
    });
    expectSuccess(r);
    await expectTags(plain, path, [image], [`${apim.tag}-site`]);
    await expectImage(plain, `${path}/${image}`, `${apim.tag}-site`, apim.podmanIds[image] ?? "");
  });

  it("audit-log.cjs (CommonJS): one line per image, with the digest the registry holds; a re-run logs up-to-date", async () => {
    const two = ["apim-le-cache", "apim-le-cacheloader-cron"];
    const log = join(testDir(), "audit.log");
    const path = uniqueName();
    const args = ["-r", `${plain.host}/${path}`, "-c", "docker", ...two.flatMap((i) => ["-i", i]), "--plugin", auditLog];
    const env = { PUSH_IMAGES_AUDIT_LOG: log, USER: "operator-7" };
    expectSuccess(await runCli(args, { env }));
    expectSuccess(await runCli(args, { env }));

    const client = new RegistryClient(plain);
    const lines = readJsonLines<AuditLine>(log);
    expect(
      lines.map((l) => l.status),
      "two pushes, then two up-to-date",
    ).toEqual(["pushed", "pushed", "up-to-date", "up-to-date"]);
    for (const image of two) {
      await expectImage(plain, `${path}/${image}`, apim.tag, apim.dockerIds[image] ?? "");
      const digest = (await client.manifest(`${path}/${image}`, apim.tag))?.digest;
      const mine = lines.filter((l) => l.source === `${apim.path}/${image}:${apim.tag}`);
      expect(
        mine.map((l) => [l.target, l.digest, l.user]),
        `audit lines of ${image}`,
      ).toEqual([
        [`${plain.host}/${path}/${image}:${apim.tag}`, digest, "operator-7"],
        [`${plain.host}/${path}/${image}:${apim.tag}`, digest, "operator-7"],
      ]);
    }
  });

  it("both together, in the order given: the audit names the suffixed targets", async () => {
    const image = "apim-le-configui";
    const log = join(testDir(), "audit.log");
    const path = uniqueName();
    const args = ["-r", `${plain.host}/${path}`, "-c", "podman", "-t", "-i", image, "--plugin", tagSuffix, "--plugin", auditLog];
    expectSuccess(await runCli(args, { env: { PUSH_IMAGES_AUDIT_LOG: log, TAG_SUFFIX: "-dc2" } }));

    const tag = `${apim.tag}-dc2`;
    await expectTags(plain, path, [image], [tag]);
    const manifest = await new RegistryClient(plain).manifest(`${path}/${image}`, tag);
    expect(manifest?.configDigest).toBe(apim.podmanIds[image]);
    expect(readJsonLines<AuditLine>(log).map((l) => [l.target, l.status, l.digest])).toEqual([
      [`${plain.host}/${path}/${image}:${tag}`, "pushed", manifest?.digest],
    ]);
  });
});
