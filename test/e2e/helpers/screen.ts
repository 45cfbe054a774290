/**
 * What a terminal of a given width shows after a program's output: a small
 * emulator of the few codes the tool and log-update send (cursor up, to a
 * column, erase line; colours ignored). Lines redrawn in place end as
 * their last draw, rows that scrolled off are kept, and each row the
 * terminal itself had to wrap (a line longer than the width) is counted.
 */
export interface Screen {
  /** Every row, top to bottom, trailing spaces removed. */
  readonly rows: string[];
  /** Rows that the terminal wrapped onto the next. */
  readonly wrapped: number;
}

export function renderScreen(raw: string, columns: number): Screen {
  const rows: string[][] = [[]];
  let row = 0;
  let col = 0;
  let wrapped = 0;
  const line = () => (rows[row] ??= []);
  for (const token of raw.match(/\x1b\[[0-9;?]*[A-Za-z]|\x1b[^[]|[\s\S]/gu) ?? []) {
    const csi = /^\x1b\[([0-9;?]*)([A-Za-z])$/.exec(token);
    if (csi) {
      const [, params = "", command] = csi;
      const n = Number.parseInt(params, 10);
      if (command === "A") row = Math.max(0, row - (n || 1));
      else if (command === "B") row += n || 1;
      else if (command === "G") col = Math.max(0, (n || 1) - 1);
      else if (command === "K") line().splice(params === "2" || params === "1" ? 0 : col);
      continue;
    }
    if (token.startsWith("\x1b")) continue;
    if (token === "\r") col = 0;
    else if (token === "\n") row += 1;
    else {
      if (col >= columns) {
        wrapped += 1;
        row += 1;
        col = 0;
      }
      const cells = line();
      while (cells.length < col) cells.push(" ");
      cells[col] = token;
      col += 1;
    }
  }
  return { rows: Array.from(rows, (cells) => (cells ?? []).join("").trimEnd()), wrapped };
}
