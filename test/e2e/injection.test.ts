/**
 * Shell commands smuggled in through every input: each is refused as
 * invalid (exit 2), the command never runs (its marker file never
 * appears), podman and docker are never run, and nothing reaches a registry.
 */
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { expectInvalid } from "./helpers/expect-invalid.ts";
import { writeTestFile } from "./helpers/files.ts";

const bed = useBed();
const host = bed.registries.plain.host;

/** Ways to run `cmd` if a value ever reached a shell. */
const payloads = (cmd: string): [string, string][] => [
  ["; cmd", `x;${cmd}`],
  ["$(cmd)", `$(${cmd})`],
  ["`cmd`", `\`${cmd}\``],
  ["| cmd", `x|${cmd}`],
  ["&& cmd", `x&&${cmd}`],
  ["newline cmd", `x\n${cmd}`],
];

/** Builds the CLI arguments that carry `value` in one input; the rest is a valid podman run. */
const inputs: [string, (value: string, token: string) => string[]][] = [
  ["-r", (v, t) => ["-r", `${host}/${t}${v}`, "-c", "podman", "-t"]],
  ["-d", (v, t) => ["-r", `${host}/${t}`, "-c", "podman", "-t", "-d", v]],
  ["-i", (v, t) => ["-r", `${host}/${t}`, "-c", "podman", "-t", "-i", v]],
  ["-p", (v, t) => ["-r", `${host}/${t}`, "-c", "podman", "-t", "-p", v]],
  ["-s", (v, t) => ["-r", `${host}/${t}`, "-c", "podman", "-t", "-s", v]],
  ["-c", (v, t) => ["-r", `${host}/${t}`, "-t", "-c", v]],
];

describe.concurrent.each(inputs)("through %s", (_flag, argsWith) => {
  it.each(payloads("touch MARKER"))("%s", async (_how, template) => {
    const marker = join(tmpdir(), `pwned-${uniqueName()}`);
    const token = uniqueName();
    await expectInvalid(argsWith(template.replace("MARKER", marker), token), undefined, token);
    expect(existsSync(marker), `${marker} was created: the value reached a shell`).toBe(false);
  });
});

describe.concurrent("through the PRODUCT_DEFAULTS file", () => {
  const fields: [string, (value: string) => object][] = [
    ["images", (v) => ({ images: ["apim-le-cache", v] })],
    ["sourcePath", (v) => ({ sourcePath: v })],
    ["sourceTag", (v) => ({ sourceTag: v })],
    ["containerTool", (v) => ({ containerTool: v })],
  ];

  it.each(fields)("%s", async (_field, make) => {
    const marker = join(tmpdir(), `pwned-${uniqueName()}`);
    const file = writeTestFile("defaults.json", make(`$(touch ${marker})`));
    const token = uniqueName();
    await expectInvalid(["-r", `${host}/${token}`, "-t"], undefined, token, { PRODUCT_DEFAULTS: file });
    expect(existsSync(marker), `${marker} was created: the value reached a shell`).toBe(false);
  });
});
