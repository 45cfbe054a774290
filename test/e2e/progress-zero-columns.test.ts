/**
 * A terminal that reports 0 columns and 0 rows (serial consoles, some
 * container shells) is a terminal of unknown size: the live display falls
 * back to 80 columns. Taken at its word, log-update wrapped every line to
 * nothing and each image's final line was lost.
 */
import { describe, expect, it } from "vitest";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { expectSuccess } from "./helpers/expect-cli.ts";
import { expectPushed, pick } from "./helpers/expect-registry.ts";
import { plainText, runInTerminal } from "./helpers/terminal.ts";
import { LOOPBACK_FLAGS } from "./helpers/tool-flags.ts";

const bed = useBed();
const { plain } = bed.registries;
const apim = bed.images.defaults;
const two = ["apim-le-cache", "apim-le-toolkit"];

describe("progress on a terminal reporting 0 columns", () => {
  it("still shows a final line per image", async () => {
    const path = uniqueName();
    const r = await runInTerminal(["-r", `${plain.host}/${path}`, ...LOOPBACK_FLAGS.podman, ...two.flatMap((i) => ["-i", i])], {
      columns: 0,
      rows: 0,
    });
    expectSuccess(r);
    const text = plainText(r.stdout);
    for (const [place, image] of two.entries())
      expect(text).toMatch(new RegExp(`\\[${place + 1}/2\\] pushed +${image}  sha256:`));
    await expectPushed(plain, path, apim.tag, pick(apim.podmanIds, two));
  });
});
