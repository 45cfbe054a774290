/**
 * An engine push shows how much has gone as far as podman or docker says:
 * layers at the registry of all the image's layers (neither prints bytes
 * when piped), counted from the lines each prints, ending at all of them.
 */
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { expectSuccess } from "./helpers/expect-cli.ts";
import { idOf } from "./helpers/fresh-image.ts";
import { testDir, tool } from "./helpers/local-tools.ts";
import { expectPushed } from "./helpers/expect-registry.ts";
import { plainText, runInTerminal } from "./helpers/terminal.ts";
import { LOOPBACK_FLAGS } from "./helpers/tool-flags.ts";

const bed = useBed();
const { plain } = bed.registries;
const LAYERS = 4;
const source = uniqueName();

/** One product image of four layers, in podman's and dockerd's storage. */
beforeAll(async () => {
  const dir = testDir();
  let containerfile = "FROM scratch\n";
  for (let i = 0; i < LAYERS; i++) {
    writeFileSync(join(dir, `part-${i}`), randomBytes(256 * 1024));
    containerfile += `COPY part-${i} /part-${i}\n`;
  }
  writeFileSync(join(dir, "Containerfile"), containerfile);
  const ref = `${source}/apim-le-cache:v1`;
  await tool("podman", ["build", "--quiet", "--pull=never", "--tag", ref, dir]);
  const tar = join(dir, "image.tar");
  await tool("podman", ["save", "-o", tar, ref]);
  await tool("docker", ["load", "-i", tar]);
  // podman saved the short name as localhost/<ref>.
  await tool("docker", ["tag", `localhost/${ref}`, ref]);
  await tool("docker", ["image", "rm", `localhost/${ref}`]);
});

describe.each(["podman", "docker"] as const)("an engine push with %s", (engine) => {
  it(`counts layers up to ${LAYERS}/${LAYERS}`, async () => {
    const path = uniqueName();
    const args = ["-r", `${plain.host}/${path}`, ...LOOPBACK_FLAGS[engine], "-p", source, "-s", "v1", "-i", "apim-le-cache"];
    const r = await runInTerminal(args, { columns: 100, rows: 20 });
    expectSuccess(r);
    const counts = [...plainText(r.stdout).matchAll(/layers (\d+)\/(\d+)/g)].map(([, done, all]) => [Number(done), Number(all)]);
    expect(counts.length, "layer counts shown").toBeGreaterThan(0);
    expect(new Set(counts.map(([, all]) => all))).toEqual(new Set([LAYERS]));
    const done = counts.map(([n]) => n);
    expect(done, "never going back").toEqual([...done].sort((a, b) => (a ?? 0) - (b ?? 0)));
    expect(done[0], "from fewer than all").toBeLessThan(LAYERS);
    expect(done.at(-1), "to all").toBe(LAYERS);
    await expectPushed(plain, path, "v1", { "apim-le-cache": await idOf(engine, `${source}/apim-le-cache:v1`) });
  });
});
