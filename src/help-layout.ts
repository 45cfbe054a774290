/**
 * Lays out the tables of `--help` (flags, commands). cleye hands tables to
 * terminal-columns, which measures every cell with full Unicode grapheme
 * segmentation: about 17 ms, a third of the start-up of
 * `node push-images.mjs --help` (issue 4). Our help text is printable ASCII,
 * where a character is one column, so the layout needs only `.length`.
 * A table with anything else in it still goes to cleye's own layout.
 */
import type { Renderers } from "cleye";

type TableNode = Parameters<Renderers["table"]>[0];

const INDENT = "  ";
const GAP = " ".repeat(8);
/** Narrower than this, descriptions go below their flag instead of beside it. */
const MIN_DESCRIPTION_WIDTH = 40;
const PLAIN_TEXT = /^[\x20-\x7e\n]*$/;

/** cleye's `help.render`: its own renderers, with tables laid out here. */
export function renderHelp(nodes: Parameters<Renderers["render"]>[0], renderers: Renderers): string {
  const cleyeTable = renderers.table.bind(renderers);
  renderers.table = (table: TableNode) => {
    const rows = table.tableData.map((row) => row.map((cell) => renderers.render(cell)));
    return rows.every((row) => row.length === 2 && row.every((cell) => PLAIN_TEXT.test(cell))) ? layOutTable(rows as [string, string][], process.stdout.columns ?? Number.POSITIVE_INFINITY) : cleyeTable(table);
  };
  return renderers.render(nodes);
}

/**
 * Two columns, names padded to the longest, as cleye prints them; on a
 * terminal too narrow for that, each description below its name. Text wider
 * than the terminal wraps at spaces.
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
    .map(([name, description]) => [...wrapText(name.trim(), textWidth), ...wrapText(description, textWidth), ""].map((line) => (line ? INDENT + line : line)).join("\n"))
    .join("\n");
}

/** Greedy word wrap at spaces; a word longer than the width is cut. Keeps the text's own line breaks. */
export function wrapText(text: string, width: number): string[] {
  return text.split("\n").flatMap((paragraph) => wrapParagraph(paragraph, width));
}

function wrapParagraph(paragraph: string, width: number): string[] {
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
