/**
 * The --help tables laid out without cleye's Unicode measuring: the same
 * text as cleye's own layout when output is not a terminal, the terminal's
 * width respected when it is, and cleye's layout kept for non-ASCII text.
 */
import type { Renderers } from "cleye";
import { afterEach, describe, expect, it, vi } from "vitest";
import { layOutTable, renderHelp, wrapText } from "../../src/help-layout.ts";
import { parseCommandLine } from "../../src/flags.ts";
import { BUILT_IN_DEFAULTS } from "../../src/product-defaults.ts";

vi.mock("../../src/help-layout.ts", async (importOriginal) => {
  const original = await importOriginal<typeof import("../../src/help-layout.ts")>();
  return { ...original, renderHelp: vi.fn(original.renderHelp) };
});

type HelpNodes = Parameters<typeof renderHelp>[0];

const originalColumns = Object.getOwnPropertyDescriptor(process.stdout, "columns");
afterEach(() => {
  if (originalColumns) Object.defineProperty(process.stdout, "columns", originalColumns);
  else delete (process.stdout as { columns?: number }).columns;
  vi.restoreAllMocks();
  vi.mocked(renderHelp).mockClear();
});

function setColumns(columns: number | undefined): void {
  Object.defineProperty(process.stdout, "columns", { value: columns, configurable: true, writable: true });
}

/** What `push-images <argv>` prints for help, and the document cleye built for it. */
function printedHelp(argv: string[], columns: number | undefined): { text: string; nodes: HelpNodes; cleyeLayout: () => Renderers } {
  setColumns(columns);
  const printed: unknown[] = [];
  vi.spyOn(console, "log").mockImplementation((text: unknown) => void printed.push(text));
  vi.spyOn(process, "exit").mockImplementation(() => {
    throw new Error("exit");
  });
  expect(() => parseCommandLine(argv, BUILT_IN_DEFAULTS)).toThrow("exit");
  const [nodes, renderers] = vi.mocked(renderHelp).mock.calls.at(-1) ?? [];
  if (!nodes || !renderers || printed.length !== 1) throw new Error(`no help printed for ${argv.join(" ")}`);
  // cleye exports the Renderers type only; a fresh one does cleye's own layout.
  const RenderersClass = renderers.constructor as new () => Renderers;
  return { text: String(printed[0]), nodes, cleyeLayout: () => new RenderersClass() };
}

/** The lines of one section (e.g. "FLAGS:"), up to the next heading. */
function sectionLines(text: string, heading: string): string[] {
  const lines = text.split("\n");
  const start = lines.indexOf(heading);
  expect(start, `${heading} in the help`).toBeGreaterThan(-1);
  const end = lines.findIndex((line, index) => index > start && /^[A-Z]+:$/.test(line));
  return lines.slice(start + 1, end === -1 ? undefined : end);
}

const words = (text: string) => text.split(/\s+/).filter(Boolean);

describe.each([
  ["push-images --help", ["--help"]],
  ["push-images save --help", ["save", "--help"]],
])("%s", (_, argv) => {
  it("is byte for byte cleye's own layout when output is not a terminal", () => {
    const { text, nodes, cleyeLayout } = printedHelp(argv, undefined);
    expect(text).toContain("--source-tag <tag>");
    expect(text).toBe(cleyeLayout().render(nodes));
  });

  it.each([60, 80, 100, 160])("fits its tables in %i columns, with cleye's words in cleye's order", (columns) => {
    const { text, nodes, cleyeLayout } = printedHelp(argv, columns);
    const tables = [...(argv[0] === "save" ? [] : sectionLines(text, "COMMANDS:")), ...sectionLines(text, "FLAGS:")];
    expect(tables.length).toBeGreaterThan(8);
    for (const line of tables) expect(line.length, line).toBeLessThanOrEqual(columns);
    expect(words(text)).toEqual(words(cleyeLayout().render(nodes)));
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
      "",
    ]);
  });

  it("never wraps when the width is unbounded (not a terminal)", () => {
    expect(layOutTable(rows, Number.POSITIVE_INFINITY)).toBe(`  -a, --alpha <n>        ${rows[0][1]}\n      --beta             short`);
  });
});

describe("wrapText", () => {
  it("cuts a word longer than the width and keeps the text's own line breaks", () => {
    expect(wrapText("ab abcdefghij c\nd", 4)).toEqual(["ab", "abcd", "efgh", "ij c", "d"]);
  });
});

describe("renderHelp", () => {
  const table = (description: string): HelpNodes => [
    { type: "table", data: { tableData: [["--a", description]], tableBreakpoints: { "> 80": [{ width: "content-width", paddingLeft: 2, paddingRight: 8 }, { width: "auto" }], "> 0": [{ width: "auto", paddingLeft: 2 }, { width: "100%", paddingLeft: 2, paddingBottom: 1 }] } } },
  ];

  it("leaves a table with non-ASCII text to cleye's layout", () => {
    const { cleyeLayout } = printedHelp(["--help"], undefined);
    setColumns(60);
    // cleye stacks this table at 60 columns, where ours would not.
    expect(renderHelp(table("cafe"), cleyeLayout())).not.toBe(cleyeLayout().render(table("cafe")));
    expect(renderHelp(table("café"), cleyeLayout())).toBe(cleyeLayout().render(table("café")));
  });
});
