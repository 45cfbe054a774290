/**
 * --json: the report on stdout matches what the registry holds, and a
 * second run of the same push reports every image up-to-date.
 */
import { describe, expect, it } from "vitest";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { runCli, type CliResult } from "./helpers/cli.ts";
import { describeRun, expectSuccess } from "./helpers/expect-cli.ts";
import { expectPushed, pick } from "./helpers/expect-registry.ts";
import { RegistryClient } from "./helpers/registry-client.ts";

const bed = useBed();
const { plain } = bed.registries;
const apim = bed.images.defaults;
const two = ["apim-le-cache", "apim-le-configui"];

interface ImageReport {
  image: string;
  source: string;
  target: string;
  status: string;
  digest?: string | null;
  error?: unknown;
}

function report(r: CliResult): ImageReport[] {
  expectSuccess(r);
  const parsed = JSON.parse(r.stdout) as { images?: ImageReport[] };
  expect(Array.isArray(parsed.images), describeRun(r)).toBe(true);
  return [...(parsed.images ?? [])].sort((a, b) => a.image.localeCompare(b.image));
}

describe("--json", () => {
  const args = (path: string) => [
    "-r",
    `${plain.host}/${path}`,
    "-c",
    "podman",
    "-t",
    "--json",
    ...two.flatMap((i) => ["-i", i]),
  ];

  it("reports each image with the digest the registry has", async () => {
    const path = uniqueName();
    const entries = report(await runCli(args(path)));
    await expectPushed(plain, path, apim.tag, pick(apim.podmanIds, two));
    const client = new RegistryClient(plain);
    expect(entries.map((entry) => entry.image)).toEqual([...two].sort());
    for (const entry of entries) {
      const manifest = await client.manifest(`${path}/${entry.image}`, apim.tag);
      expect(entry).toMatchObject({
        source: `${apim.path}/${entry.image}:${apim.tag}`,
        target: `${plain.host}/${path}/${entry.image}:${apim.tag}`,
        status: "pushed",
        digest: manifest?.digest,
      });
    }
  });

  it("a second run of the same push reports every image up-to-date", async () => {
    const path = uniqueName();
    report(await runCli(args(path)));
    const second = report(await runCli(args(path)));
    expect(second.map((entry) => [entry.image, entry.status])).toEqual([...two].sort().map((image) => [image, "up-to-date"]));
    await expectPushed(plain, path, apim.tag, pick(apim.podmanIds, two));
  });
});
