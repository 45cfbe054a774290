/**
 * Runs the program on a real pseudo-terminal (util-linux `script`; bsdutils
 * is on every Debian) of a given size, as an operator at a terminal would.
 */
import { findOnPath } from "../../bed/tool-path.ts";
import { runCli, type CliOptions, type CliResult } from "./cli.ts";

export function runInTerminal(
  args: readonly string[],
  size: { columns: number; rows: number },
  opts: CliOptions = {},
): Promise<CliResult> {
  const [script, stty] = ["script", "stty"].map((command) => findOnPath(command, process.env.PATH ?? ""));
  if (!script || !stty) throw new Error("script and stty (util-linux, coreutils) are needed for terminal tests");
  const inside = `${stty} cols ${size.columns} rows ${size.rows}; exec $(printf '%q ' "$@")`;
  return runCli(args, { ...opts, launcher: ["/bin/bash", "-c", `exec ${script} -qec "${inside}" /dev/null`, "in-a-terminal"] });
}

/** What a terminal shows, as text: escape sequences (colour, cursor moves) and carriage returns removed. */
export function plainText(text: string): string {
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "").replaceAll("\r", "");
}
