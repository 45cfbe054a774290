/**
 * Lines that fit a terminal's width. A line the terminal wraps breaks the
 * live display (log-update redraws by counting rows) and hides what the
 * line was about; so what does not fit is shortened instead: the least
 * useful field is dropped first, then a name loses its middle ("…"), and
 * only then is the end cut. Prose (the summary, warnings) is broken at
 * spaces instead, since every word of a message or a fix counts.
 */

const ELLIPSIS = "…";

/** One part of a line, as the line is built from left to right. */
export interface Field {
  readonly text: string;
  /** Spaces or punctuation before it, dropped with it. */
  readonly before?: string;
  /** When the line is too wide, fields are dropped lowest first; undefined: never dropped. */
  readonly drop?: number;
  /** A shorter form taken, in the field's turn to drop, before dropping it. */
  readonly narrow?: string;
  /** How it is shortened when dropping is not enough: a name in its middle, prose at its end. */
  readonly shorten?: "middle" | "end";
  /** Colour, applied after fitting so escape codes never count as width. */
  readonly paint?: (text: string) => string;
}

/** How many columns `text` takes: one per code point (what this tool prints is ASCII, `…` and the spinner's braille). */
export function columnsOf(text: string): number {
  return [...text].length;
}

/** `text` in at most `max` columns, its middle replaced by `…` (the start and the end of a name tell it apart). */
export function shortenMiddle(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  if (max <= 0) return "";
  const kept = max - 1;
  const head = Math.ceil(kept / 2);
  return `${chars.slice(0, head).join("")}${ELLIPSIS}${chars.slice(chars.length - (kept - head)).join("")}`;
}

/** `text` in at most `max` columns, its end replaced by `…`. */
function shortenEnd(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  if (max <= 0) return "";
  return `${chars.slice(0, max - 1).join("")}${ELLIPSIS}`;
}

/** The fields as one line of at most `width` columns (see the file's comment for the order things give way in). */
export function fitFields(fields: readonly Field[], width: number): string {
  const kept = fields.map((field) => ({ ...field }));
  const plainWidth = () => kept.reduce((sum, field) => sum + columnsOf(field.before ?? "") + columnsOf(field.text), 0);
  while (plainWidth() > width) {
    const droppable = kept.filter((field) => field.drop !== undefined);
    if (droppable.length === 0) break;
    const first = droppable.reduce((low, field) => ((field.drop as number) < (low.drop as number) ? field : low));
    if (first.narrow !== undefined && first.text !== first.narrow) first.text = first.narrow;
    else kept.splice(kept.indexOf(first), 1);
  }
  // The longest gives way first: a short name keeps what tells it apart.
  for (const field of [...kept].sort((a, b) => columnsOf(b.text) - columnsOf(a.text))) {
    const excess = plainWidth() - width;
    if (excess <= 0) break;
    if (!field.shorten) continue;
    const max = columnsOf(field.text) - excess;
    // Not even one column of it fits beside what may not give way: it goes, separator and all.
    if (max < 1) kept.splice(kept.indexOf(field), 1);
    else field.text = field.shorten === "middle" ? shortenMiddle(field.text, max) : shortenEnd(field.text, max);
  }
  const plain = kept.map((field) => `${field.before ?? ""}${field.text}`).join("");
  // Nothing left to give way: the end is cut, colours with it.
  if (columnsOf(plain) > width) return shortenEnd(plain, width);
  return kept.map((field) => `${field.before ?? ""}${field.paint ? field.paint(field.text) : field.text}`).join("");
}

/**
 * A message broken at spaces into lines of at most `width` columns; lines
 * after the first are indented two more than the line they continue. A
 * word longer than a whole line is cut where the line ends.
 */
export function wrapWords(text: string, width: number): string[] {
  return text.split("\n").flatMap((line) => wrapLine(line, Math.max(1, width)));
}

function wrapLine(line: string, width: number): string[] {
  if (columnsOf(line) <= width) return [line];
  // Indents leave at least half the width for words.
  const indent = (/^ */.exec(line)?.[0] ?? "").slice(0, Math.floor(width / 2));
  const more = `${indent}  `.slice(0, Math.floor(width / 2));
  const lines: string[] = [];
  let current = indent;
  let room = width - columnsOf(indent);
  const push = () => {
    lines.push(current.trimEnd());
    current = more;
    room = width - columnsOf(more);
  };
  for (const word of line.trimStart().split(" ").filter(Boolean)) {
    const fresh = current.trim() === "";
    if (!fresh && columnsOf(word) + 1 > room) push();
    let rest = [...word];
    while (rest.length > room) {
      if (current.trim() !== "") push();
      current += rest.slice(0, room).join("");
      rest = rest.slice(room);
      push();
    }
    if (rest.length === 0) continue;
    const gap = current.trim() === "" ? "" : " ";
    current += `${gap}${rest.join("")}`;
    room -= gap.length + rest.length;
  }
  if (current.trim() !== "") lines.push(current.trimEnd());
  return lines;
}
