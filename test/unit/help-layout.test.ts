/**
 * --help: every flag, in the README's order, laid out for the output it
 * goes to (one line per flag when piped, fitted to a terminal's width), and
 * the parse that asks for it.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseCommandLine, pushFlags, saveFlags } from "../../src/cli/flags.ts";
import { layOutTable, renderHelpPage, wrapText } from "../../src/cli/help-layout.ts";
import { pushHelpPage, saveHelpPage } from "../../src/cli/help-page.ts";
import { BUILT_IN_DEFAULTS } from "../../src/options/product-defaults.ts";

const piped = { columns: Number.POSITIVE_INFINITY };

/** The lines of one section (e.g. "FLAGS:"), up to the next blank line before a heading. */
function sectionLines(text: string, heading: string): string[] {
  const lines = text.split("\n");
  const start = lines.indexOf(heading);
  expect(start, `${heading} in the help`).toBeGreaterThan(-1);
  const end = lines.findIndex((line, index) => index > start && /^[A-Z]+:$/.test(line));
  return lines.slice(start + 1, end === -1 ? undefined : end - 1);
}

/** `--registry`, `--dest-tag`, ... in the order the lines show them. */
const longFlags = (lines: readonly string[]) => lines.flatMap((line) => /^\s+(?:-\w, )?(--[a-z-]+)/.exec(line)?.[1] ?? []);

describe("push-images --help", () => {
  const text = renderHelpPage(pushHelpPage(BUILT_IN_DEFAULTS), piped);

  it("lists the flags in the order of the README's usage", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const usage = /## Usage\s+```\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
    const documented = longFlags(usage.split("\n"));
    expect(documented.length).toBeGreaterThan(15);
    expect(longFlags(sectionLines(text, "FLAGS:"))).toEqual(documented);
  });

  it("puts each flag and its whole description on one line when piped", () => {
    const lines = sectionLines(text, "FLAGS:");
    expect(lines).toHaveLength(Object.keys(pushFlags(BUILT_IN_DEFAULTS)).length);
    expect(lines).toContain(
      `  -s, --source-tag <tag>             Local tag of the images; it must exist (default: ${BUILT_IN_DEFAULTS.sourceTag})`,
    );
    expect(lines).toContain(
      "      --json                         Print a machine-readable report on stdout (human output stays on stderr)",
    );
  });

  it("shows the product defaults in force", () => {
    const other = renderHelpPage(
      pushHelpPage({ ...BUILT_IN_DEFAULTS, product: "Other Product", sourceTag: "v9.1.0", images: ["one", "two"] }),
      piped,
    );
    expect(other).toContain("Push Other Product images");
    expect(other).toContain("(default: v9.1.0)");
    expect(other).toContain("(default: all): one, two\n");
  });

  it("has upper-case headings without colours, and bold ones with", () => {
    expect(text).toMatch(/^USAGE:$/m);
    const bold = renderHelpPage(pushHelpPage(BUILT_IN_DEFAULTS), { columns: 100, bold: (title) => `<b>${title}</b>` });
    expect(bold.split("\n").filter((line) => line.startsWith("<b>"))).toEqual([
      "<b>Usage:</b>",
      "<b>Commands:</b>",
      "<b>Flags:</b>",
      "<b>Examples:</b>",
    ]);
  });

  it.each([60, 80, 100, 160])("fits its description and tables in %i columns without losing a word", (columns) => {
    const fitted = renderHelpPage(pushHelpPage(BUILT_IN_DEFAULTS), { columns });
    const words = (lines: string[]) => lines.join(" ").split(/\s+/).filter(Boolean);
    // The lines between the name and USAGE:, blank lines around them left out.
    const description = (help: string) => help.split("\n").slice(2, help.split("\n").indexOf("USAGE:") - 1);
    const tables = (help: string) => [...sectionLines(help, "COMMANDS:"), ...sectionLines(help, "FLAGS:")];
    for (const line of [...description(fitted), ...tables(fitted)]) expect(line.length, line).toBeLessThanOrEqual(columns);
    expect(words(description(fitted))).toEqual(words(description(text)));
    expect(words(tables(fitted))).toEqual(words(tables(text)));
  });
});

describe("push-images save --help", () => {
  it("lists save's flags only", () => {
    const lines = sectionLines(renderHelpPage(saveHelpPage(BUILT_IN_DEFAULTS), piped), "FLAGS:");
    expect(longFlags(lines)).toEqual(
      Object.keys(saveFlags(BUILT_IN_DEFAULTS)).map((key) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`),
    );
    expect(longFlags(lines)).not.toContain("--registry");
  });
});

describe("asking for help", () => {
  it.each([
    [["-h"], "push"],
    [["--help", "-r", "reg.example.com/apim"], "push"],
    [["save", "--help"], "save"],
    [["save", "-h"], "save"],
  ] as const)("%j asks for the help of %s", (argv, command) => {
    expect(parseCommandLine([...argv], BUILT_IN_DEFAULTS)).toMatchObject({ command, help: true });
  });

  it("is not asked for otherwise", () => {
    expect(parseCommandLine(["-r", "reg.example.com/apim"], BUILT_IN_DEFAULTS)).toMatchObject({ command: "push", help: false });
  });

  it("leaves the caller's argv whole (cli.ts reads -v from it to show an error's detail)", () => {
    const argv = ["-r", "reg.example.com/apim", "-v"];
    parseCommandLine(argv, BUILT_IN_DEFAULTS);
    expect(argv).toEqual(["-r", "reg.example.com/apim", "-v"]);
  });
});

describe("layOutTable", () => {
  const rows = [
    ["-a, --alpha <n>", "one two three four five six seven eight nine ten eleven"],
    ["    --beta", "short"],
  ] as const;

  it("puts descriptions beside the names, wrapped under their column, when 40 columns are left for them", () => {
    // 2 indent + 15 name + 8 gap = 25, leaving 40 of 65.
    expect(layOutTable(rows, 65).split("\n")).toEqual([
      "  -a, --alpha <n>        one two three four five six seven eight",
      "                         nine ten eleven",
      "      --beta             short",
    ]);
  });

  it("puts each description below its name when fewer are left", () => {
    expect(layOutTable(rows, 64).split("\n")).toEqual([
      "  -a, --alpha <n>",
      "  one two three four five six seven eight nine ten eleven",
      "",
      "  --beta",
      "  short",
    ]);
  });

  it("never wraps when the width is unbounded (not a terminal)", () => {
    expect(layOutTable(rows, Number.POSITIVE_INFINITY)).toBe(
      `  -a, --alpha <n>        ${rows[0][1]}\n      --beta             short`,
    );
  });
});

describe("wrapText", () => {
  it("cuts a word longer than the width and keeps the text's own line breaks", () => {
    expect(wrapText("ab abcdefghij c\nd", 4)).toEqual(["ab", "abcd", "efgh", "ij c", "d"]);
  });
});
