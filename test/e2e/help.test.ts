/**
 * --help as an operator reads it: piped, one line per flag; in a terminal,
 * fitted to its width. The terminal is a real pseudo-terminal from
 * util-linux `script`, sized with `stty`.
 */
import { describe, expect, it } from "vitest";
import { runCli, type CliResult } from "./helpers/cli.ts";
import { expectSuccess } from "./helpers/expect-cli.ts";
import { writeTestFile } from "./helpers/files.ts";
import { runInTerminal } from "./helpers/terminal.ts";

/** Flag and the start of its description, as the help must show them. */
const FLAGS = [
  ["-r, --registry <uri>", "Required. Registry and optional repository path"],
  ["-c, --container-tool <name>", "Container tool holding the images"],
  ["-j, --concurrency <n>", "Images pushed at once, 1-16"],
  ["--from-archive <file>", "Push the images a bundle holds (made by 'push-images save'"],
  ["-t, --no-tls-verify", "Do not verify TLS"],
] as const;

/** --help in a terminal `columns` wide; no colours, so headings are upper case. */
const inTerminal = (args: readonly string[], columns: number) =>
  runInTerminal(args, { columns, rows: 50 }, { env: { NO_COLOR: "1" } });

/** The FLAGS section; headings are bold rather than upper case where colours are on (CI=true turns them on). */
function flagLines(r: CliResult): string[] {
  expectSuccess(r);
  const lines = r.stdout
    .replaceAll("\r\n", "\n")
    .replace(/\x1b\[\d+m/g, "")
    .split("\n");
  const start = lines.findIndex((line) => /^flags:$/i.test(line));
  const end = lines.findIndex((line) => /^examples:$/i.test(line));
  expect(start, r.stdout).toBeGreaterThan(-1);
  expect(end, r.stdout).toBeGreaterThan(start);
  return lines.slice(start + 1, end);
}

describe("push-images --help", () => {
  it("piped: each flag and its whole description on one line, -r first; -h says the same", async () => {
    const help = await runCli(["--help"]);
    const lines = flagLines(help);
    for (const [flag, description] of FLAGS)
      expect(
        lines.some((line) => line.includes(flag) && line.includes(description)),
        `${flag} beside "${description}"`,
      ).toBe(true);
    expect(lines[0]).toContain("-r, --registry <uri>");
    expect((await runCli(["-h"])).stdout).toBe(help.stdout);
  });

  it("in a 70-column terminal: every flag line fits, each description below its flag", async () => {
    const lines = flagLines(await inTerminal(["--help"], 70));
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(70);
    for (const [flag, description] of FLAGS) {
      const at = lines.findIndex((line) => line.trim() === flag);
      expect(at, `${flag} on a line of its own`).toBeGreaterThan(-1);
      expect(lines[at + 1]?.trim().startsWith(description.split(" ").slice(0, 2).join(" ")), lines[at + 1]).toBe(true);
    }
  });

  it("in a 150-column terminal: every flag line fits, descriptions beside their flags", async () => {
    const lines = flagLines(await inTerminal(["--help"], 150));
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(150);
    for (const [flag, description] of FLAGS)
      expect(
        lines.some((line) => line.includes(flag) && line.includes(description)),
        `${flag} beside "${description}"`,
      ).toBe(true);
  });

  it("save --help in a 70-column terminal fits too", async () => {
    const lines = flagLines(await inTerminal(["save", "--help"], 70));
    expect(lines.some((line) => line.trim() === "-o, --output <file>")).toBe(true);
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(70);
  });
});

describe("--help and the product defaults", () => {
  it("shows a PRODUCT_DEFAULTS file's product, images and tags", async () => {
    const file = writeTestFile("defaults.json", {
      product: "Other Product",
      images: ["one-image", "two-image"],
      sourceTag: "v9.1.0",
      containerTool: "podman",
    });
    const r = await runCli(["--help"], { env: { PRODUCT_DEFAULTS: file } });
    expectSuccess(r);
    expect(r.stdout).toContain("Push Other Product images");
    expect(r.stdout).toContain("(default: all): one-image, two-image");
    expect(r.stdout).toContain("(default: v9.1.0)");
    expect(r.stdout).toContain("podman or docker (default: podman)");
  });

  it("still prints, with the built-in defaults, when the file is broken", async () => {
    const file = writeTestFile("broken.json", '{ "sourceTag": ');
    const r = await runCli(["--help"], { env: { PRODUCT_DEFAULTS: file } });
    expectSuccess(r);
    expect(r.stdout).toContain("Push TIBCO API Management Local Edition images");
  });
});
