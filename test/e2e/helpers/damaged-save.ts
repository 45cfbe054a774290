/**
 * A container tool whose `save` writes a damaged archive to its pipe: cut
 * short, with a byte of a layer changed (its diff_id then disagrees with the
 * config), or cut short and then held open (the bundle is half written when
 * the test presses Ctrl-C), or (`intact`) as it came. A stand-in first on
 * PATH runs the real save and passes its output through; every other
 * command goes to the real tool, but for podman's `info`: it fails, so
 * that save, not knowing where podman's storage is, does not read the
 * layers from there (stored-images.ts) and asks `podman save` for them.
 */
import { chmodSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { findOnPath } from "../../bed/tool-path.ts";
import { useBed } from "./bed.ts";
import { testDir, type Tool } from "./local-tools.ts";

export type Damage = "intact" | "cut" | "changed-layer" | "cut-and-held";

/** Bytes of the archive passed before the cut: inside the first member's data. */
const CUT_BYTES = 3000;

/** Flips the last byte of the first layer tar (in its end-of-archive zeros: still a tar, another diff_id). */
const FLIP_LAYER_BYTE = `
const chunks = [];
process.stdin.on("data", (chunk) => chunks.push(chunk));
process.stdin.on("end", () => {
  const tar = Buffer.concat(chunks);
  for (let at = 0; at + 512 <= tar.length; ) {
    const size = parseInt(tar.toString("latin1", at + 124, at + 136).replace(/\\0.*$/, "").trim() || "0", 8);
    const data = at + 512;
    if (tar[at + 156] === 0x30 && size >= 1024 && tar.toString("latin1", data + 257, data + 262) === "ustar") {
      tar[data + size - 1] ^= 0xff;
      break;
    }
    at = data + Math.ceil(size / 512) * 512;
  }
  process.stdout.write(tar);
});
`;

/** PATH value with the stand-in first. */
export function damagedSave(tool: Tool, damage: Damage): { path: string } {
  const dir = testDir();
  const bedPath = useBed().env.PATH ?? "";
  const real = required(tool, bedPath);
  // The bed's PATH has neither head nor sleep nor node (an operator's host may lack them): named in full.
  const head = required("head", process.env.PATH ?? "");
  const sleep = required("sleep", process.env.PATH ?? "");
  const filter = join(dir, "flip-layer-byte.cjs");
  writeFileSync(filter, FLIP_LAYER_BYTE);
  const save = {
    intact: `'${real}' "$@"`,
    cut: `'${real}' "$@" | '${head}' -c ${CUT_BYTES}`,
    "changed-layer": `'${real}' "$@" | '${process.execPath}' '${filter}'`,
    "cut-and-held": `{ '${real}' "$@" | '${head}' -c ${CUT_BYTES}; exec '${sleep}' 120; }`,
  }[damage];
  const script = join(dir, tool);
  writeFileSync(
    script,
    `#!/bin/sh\n${storeUntold(tool)}if [ "$1" = save ]; then\n  ${save}\n  exit $?\nfi\nexec '${real}' "$@"\n`,
  );
  chmodSync(script, 0o755);
  return { path: `${dir}${delimiter}${bedPath}` };
}

/**
 * The stand-in's lines that make podman's `info` fail: save, not knowing
 * where podman's storage is, asks `podman save` for the layers (the way a
 * stand-in can damage or slow down). Nothing for docker.
 */
export function storeUntold(tool: Tool): string {
  return tool === "podman" ? `if [ "$1" = info ]; then\n  exit 125\nfi\n` : "";
}

function required(command: string, path: string): string {
  const found = findOnPath(command, path);
  if (!found) throw new Error(`${command} is not on PATH (${path})`);
  return found;
}
