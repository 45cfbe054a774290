/**
 * Lays out a help page: name, description, then sections (Usage, Commands,
 * Flags, Examples) as cleye's help looks, flags in the order declared.
 * Table cells are printable ASCII (flag names, descriptions, image names by
 * the reference grammar), so a character is a column and `.length` measures
 * them; no Unicode width tables are loaded for `--help`.
 */

/** A flag as src/cli/flags.ts declares it for cleye. */
export interface FlagDeclaration {
  readonly type: unknown;
  readonly alias?: string;
  readonly placeholder?: string;
  readonly description: string;
}

export interface HelpPage {
  readonly name: string;
  readonly description: readonly string[];
  readonly usage: readonly string[];
  readonly commands?: readonly (readonly [string, string])[];
  readonly flags: Readonly<Record<string, FlagDeclaration>>;
  readonly examples: readonly string[];
}

export interface HelpTerminal {
  /** Width to fit the tables to; Infinity when output is not a terminal. */
  readonly columns: number;
  /** Headings in bold where colours are on; otherwise they are upper case. */
  readonly bold?: (text: string) => string;
}

const INDENT = "  ";
const GAP = " ".repeat(8);
/** Narrower than this, descriptions go below their flag instead of beside it. */
const MIN_DESCRIPTION_WIDTH = 40;

export function renderHelpPage(page: HelpPage, terminal: HelpTerminal): string {
  const heading = (title: string) => (terminal.bold ? terminal.bold(`${title}:`) : `${title.toUpperCase()}:`);
  const section = (title: string, body: string) => `${heading(title)}\n${body}`;
  const indented = (lines: readonly string[]) => lines.map((line) => INDENT + line).join("\n");
  const blocks = [
    page.name,
    // Prose wraps at the terminal's width; usage and examples stay whole, to be copied.
    page.description.flatMap((paragraph) => wrapText(paragraph, terminal.columns)).join("\n"),
    section("Usage", indented(page.usage)),
    ...(page.commands ? [section("Commands", layOutTable(page.commands, terminal.columns))] : []),
    section("Flags", layOutTable(flagRows(page.flags), terminal.columns)),
    section("Examples", indented(page.examples)),
  ];
  return `${blocks.join("\n\n")}\n`;
}

/** `-c, --container-tool <name>` beside its description; flags without a short form line up after the short ones. */
function flagRows(flags: HelpPage["flags"]): [string, string][] {
  return Object.entries(flags).map(([name, flag]) => {
    const long = `--${name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
    const value = flag.type === Boolean ? "" : ` ${flag.placeholder ?? "<value>"}`;
    return [`${flag.alias ? `-${flag.alias}, ` : "    "}${long}${value}`, flag.description];
  });
}

/**
 * Two columns, names padded to the longest; on a terminal too narrow for
 * that, each description below its name. Text wider than the terminal wraps
 * at spaces.
 */
export function layOutTable(rows: readonly (readonly [string, string])[], width: number): string {
  const nameWidth = Math.max(...rows.map(([name]) => name.length));
  const besideWidth = width - INDENT.length - nameWidth - GAP.length;
  if (besideWidth >= MIN_DESCRIPTION_WIDTH) {
    const hanging = " ".repeat(INDENT.length + nameWidth + GAP.length);
    return rows
      .map(([name, description]) => {
        const [first = "", ...rest] = wrapText(description, besideWidth);
        return [`${INDENT}${name.padEnd(nameWidth)}${GAP}${first}`.trimEnd(), ...rest.map((line) => hanging + line)].join("\n");
      })
      .join("\n");
  }
  const textWidth = Math.max(width - INDENT.length, 1);
  return rows
    .map(([name, description]) =>
      [...wrapText(name.trim(), textWidth), ...wrapText(description, textWidth)].map((line) => INDENT + line).join("\n"),
    )
    .join("\n\n");
}

/** Greedy word wrap at spaces; a word longer than the width is cut. Keeps the text's own line breaks. */
export function wrapText(text: string, width: number): string[] {
  return text.split("\n").flatMap((paragraph) => wrapParagraph(paragraph, width));
}

function wrapParagraph(paragraph: string, width: number): string[] {
  // What fits stays as written, spacing included.
  if (paragraph.length <= width) return [paragraph];
  const lines: string[] = [];
  let line = "";
  for (const word of paragraph.split(" ").filter(Boolean)) {
    for (const piece of cutToWidth(word, width)) {
      if (line && line.length + 1 + piece.length <= width) line += ` ${piece}`;
      else {
        if (line) lines.push(line);
        line = piece;
      }
    }
  }
  lines.push(line);
  return lines;
}

function cutToWidth(word: string, width: number): string[] {
  if (!Number.isFinite(width) || word.length <= width) return [word];
  const pieces: string[] = [];
  for (let start = 0; start < word.length; start += width) pieces.push(word.slice(start, start + width));
  return pieces;
}
