/**
 * On a terminal the progress is live lines redrawn in place (log-update,
 * loaded only then); each image keeps its final line. Piped, it is one
 * timestamped line per event instead.
 */
import { describe, expect, it } from "vitest";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { runCli } from "./helpers/cli.ts";
import { expectSuccess } from "./helpers/expect-cli.ts";
import { expectPushed, pick } from "./helpers/expect-registry.ts";
import { plainText, runInTerminal } from "./helpers/terminal.ts";
import { LOOPBACK_FLAGS } from "./helpers/tool-flags.ts";

const bed = useBed();
const { plain } = bed.registries;
const apim = bed.images.defaults;
const two = ["apim-le-cache", "apim-le-toolkit"];
const HIDE_CURSOR = "\x1b[?25l";

describe("progress", () => {
  it("on a terminal: live lines, then a final line per image", async () => {
    const path = uniqueName();
    const r = await runInTerminal(["-r", `${plain.host}/${path}`, ...LOOPBACK_FLAGS.podman, ...two.flatMap((i) => ["-i", i])], {
      columns: 160,
      rows: 40,
    });
    expectSuccess(r);
    expect(r.stdout, "log-update drew in place").toContain(HIDE_CURSOR);
    const text = plainText(r.stdout);
    expect(text).toContain(`${apim.path}/*:${apim.tag} -> ${plain.host}/${path}/*:${apim.tag}`);
    for (const [place, image] of two.entries())
      expect(text).toMatch(new RegExp(`\\[${place + 1}/2\\] pushed +${image}  sha256:`));
    expect(text).not.toMatch(/^\d{4}-\d\d-\d\dT/m);
    await expectPushed(plain, path, apim.tag, pick(apim.podmanIds, two));
  });

  it("on a TERM=dumb terminal: the plain timestamped lines, no escape sequence", async () => {
    const path = uniqueName();
    const r = await runInTerminal(
      ["-r", `${plain.host}/${path}`, ...LOOPBACK_FLAGS.podman, "-i", two[0] ?? ""],
      { columns: 100, rows: 40 },
      {
        env: { TERM: "dumb" },
      },
    );
    expectSuccess(r);
    expect(r.stdout, "no escape sequence at all").not.toContain("\x1b[");
    expect(r.stdout).toMatch(/^\d{4}-\d\d-\d\dT\S+ \[1\/1\] pushed /m);
    await expectPushed(plain, path, apim.tag, pick(apim.podmanIds, [two[0] ?? ""]));
  });

  it("piped: timestamped lines, no cursor movement", async () => {
    const path = uniqueName();
    const r = await runCli(["-r", `${plain.host}/${path}`, ...LOOPBACK_FLAGS.podman, "-i", two[0] ?? ""]);
    expectSuccess(r);
    expect(r.stderr).not.toContain(HIDE_CURSOR);
    expect(r.stderr).toMatch(/^\d{4}-\d\d-\d\dT\S+ \[1\/1\] pushed /m);
  });
});
