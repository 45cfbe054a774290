/**
 * On a terminal every line fits its width, down to 60 columns: what all
 * images share is said once above them, each line names just its image,
 * and what does not fit is shortened, never wrapped. Checked on the whole
 * screen the run leaves (every redraw applied, scrolled rows kept), for a
 * push with podman, `save` and a push `--from-archive`.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { expectSuccess } from "./helpers/expect-cli.ts";
import { expectPushed, pick } from "./helpers/expect-registry.ts";
import { testDir } from "./helpers/local-tools.ts";
import { renderScreen } from "./helpers/screen.ts";
import { runInTerminal } from "./helpers/terminal.ts";
import { LOOPBACK_FLAGS } from "./helpers/tool-flags.ts";

const bed = useBed();
const { plain } = bed.registries;
const apim = bed.images.defaults;
const images = Object.keys(apim.podmanIds);

/** The screen a run leaves on a terminal `columns` wide; no row of it wider, none wrapped by the terminal. */
async function screenOf(args: readonly string[], columns: number, code = 0): Promise<string[]> {
  const r = await runInTerminal(args, { columns, rows: 40 });
  if (code === 0) expectSuccess(r);
  else expect(r.code, r.stdout).toBe(code);
  const screen = renderScreen(r.stdout, columns);
  expect(screen.wrapped, `rows the terminal wrapped at ${columns} columns:\n${screen.rows.join("\n")}`).toBe(0);
  for (const row of screen.rows) expect([...row].length, row).toBeLessThanOrEqual(columns);
  return screen.rows;
}

describe("lines fit the terminal", () => {
  it.each([60, 80, 100])(
    "a push with podman at %i columns: the shared names once, then one whole line per image",
    async (columns) => {
      const path = `${uniqueName()}/tb`;
      const rows = await screenOf(["-r", `${plain.host}/${path}`, ...LOOPBACK_FLAGS.podman], columns);
      const header = `${apim.path}/*:${apim.tag} -> ${plain.host}/${path}/*:${apim.tag}`;
      expect(rows.filter((row) => row === header)).toHaveLength(1);
      expect(rows.join("\n"), "no line repeats the source or the target").not.toMatch(
        new RegExp(`${apim.path}/apim-|${path}/apim-`),
      );
      for (const image of images)
        expect(rows, image).toContainEqual(expect.stringMatching(new RegExp(`^\\[\\d/7\\] pushed +${image}( |$)`)));
      await expectPushed(plain, path, apim.tag, pick(apim.podmanIds, images));
    },
  );

  it("save and a push --from-archive at 60 columns", async () => {
    const bundle = join(testDir(), "a-bundle-with-a-rather-long-name-as-vendors-ship-them.tar");
    const two = ["apim-le-cacheloader-cron", "apim-le-trafficmanager"];
    const saved = await screenOf(["save", "-c", "podman", "-o", bundle, ...two.flatMap((image) => ["-i", image])], 60);
    expect(saved.join("\n")).toMatch(/Saved 2 images/);
    expect(saved.filter((row) => row === `  ${apim.path}/*:${apim.tag}`)).toHaveLength(1);
    for (const image of two)
      expect(saved, image).toContainEqual(expect.stringMatching(new RegExp(`^    ${image}  sha256:[0-9a-f]{12}`)));
    const path = `${uniqueName()}/some/deeper/path`;
    const rows = await screenOf(["--from-archive", bundle, "-r", `${plain.host}/${path}`, "-t"], 60);
    for (const image of two)
      expect(rows, image).toContainEqual(expect.stringMatching(new RegExp(`^\\[\\d/2\\] pushed +${image}( |$)`)));
    // The header is wider than 60: the target's middle gives way.
    const header = new RegExp(`^${apim.path}/\\*:${apim.tag} -> ${plain.host}/\\S*…\\S*/\\*:${apim.tag}$`);
    expect(rows.filter((row) => header.test(row))).toHaveLength(1);
    await expectPushed(plain, path, apim.tag, pick(apim.podmanIds, two));
  });

  it("an error and its fix at 60 columns: broken at spaces, every word kept", async () => {
    const rows = await screenOf(
      ["-r", `${plain.host}/${uniqueName()}`, "-c", "podman", "-i", "apim-le-not-a-product-image"],
      60,
      2,
    );
    const text = rows.join(" ").replace(/\s+/g, " ");
    expect(text).toContain('Error [UNKNOWN_IMAGE]: -i "apim-le-not-a-product-image" is not one of the product\'s images');
    expect(text).toContain("Fix: use -i with one of: ");
    for (const image of images) expect(text).toMatch(new RegExp(`[ ,]${image}(,|$)`));
  });
});
