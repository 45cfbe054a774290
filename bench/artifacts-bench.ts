/**
 * Section B (issue 4): each artifact's size next to the stripped Node.js it
 * was built from, and `--help` start-up time and peak memory next to
 * `node -e 0`, the floor no Node.js program can go below. Each artifact is
 * held against the floor of the Node.js that runs it: the binary against
 * its embedded Node.js 24 (what a host without Node.js has), the .mjs
 * against the `node` on PATH; the two floors differ a lot here.
 *
 * Start-up: wall time from spawn to exit, measured around spawnSync (the
 * bench does nothing else meanwhile). Peak memory: GNU time's %M, which is
 * the ru_maxrss the kernel reports for the waited-for child (resident set
 * high-water mark, KiB); measured in separate runs so the wrapper never
 * adds to the start-up figures. Runs alternate between the contenders.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { median, rotate, round, summarize, type Summary } from "./stats.ts";

const GNU_TIME = "/usr/bin/time";

export interface ArtifactSize {
  readonly file: string;
  readonly bytes: number;
  readonly base?: { file: string; bytes: number };
  /** bytes - base bytes */
  readonly overBaseBytes?: number;
}

export interface StartupResult {
  readonly id: string;
  readonly command: string;
  readonly startupMs: Summary;
  readonly peakRssKiB?: Summary;
  /** `-e 0` of the Node.js that runs this artifact. */
  readonly floor?: string;
  /** Median start-up minus that floor's median. */
  readonly overFloorMs?: number;
  /** Median start-up minus the median of `node -e 0` with the node on PATH. */
  readonly overPathNodeMs: number;
}

export interface ArtifactsResults {
  readonly nodeVersion: string;
  readonly embeddedNodeVersion: string;
  readonly sizes: ArtifactSize[];
  readonly startup: StartupResult[];
  readonly peakMemoryMethod: string;
}

export function artifactsBench(root: string, runs: number, progress: (line: string) => void): ArtifactsResults {
  const { version } = JSON.parse(readFileSync(join(root, "scripts/node-runtime.json"), "utf8")) as { version: string };
  const baseOf = (arch: string) => join(root, ".cache", `node-v${version}`, arch);
  const sizes: ArtifactSize[] = [
    sized(join(root, "build/push-images-linux-x64"), join(baseOf("x64"), "node-stripped")),
    sized(join(root, "build/push-images-linux-arm64"), join(baseOf("arm64"), "node-stripped")),
    sized(join(root, "build/push-images.mjs")),
  ];

  const embeddedFloor = existsSync(join(baseOf("x64"), "node")) ? "node24-floor" : "node-floor";
  const contenders: { id: string; command: string[]; floor?: string }[] = [
    { id: "binary-x64", command: [join(root, "build/push-images-linux-x64"), "--help"], floor: embeddedFloor },
    { id: "mjs", command: [process.execPath, join(root, "build/push-images.mjs"), "--help"], floor: "node-floor" },
    { id: "node-floor", command: [process.execPath, "-e", "0"] },
    { id: "node24-floor", command: [join(baseOf("x64"), "node"), "-e", "0"] },
  ].filter(({ command }) => existsSync(command[0] as string));
  for (const { command } of contenders) once(command); // fails loudly if --help does not work; also warms the page cache

  const memory = existsSync(GNU_TIME);
  const wall = new Map<string, number[]>(contenders.map(({ id }) => [id, []]));
  const rss = new Map<string, number[]>(contenders.map(({ id }) => [id, []]));
  for (let run = 0; run < runs; run++) {
    for (const { id, command } of rotate(contenders, run)) {
      wall.get(id)?.push(once(command));
      if (memory) rss.get(id)?.push(peakRssKiB(command));
    }
    if ((run + 1) % 10 === 0 || run + 1 === runs) progress(`start-up runs ${run + 1}/${runs}`);
  }

  const medianOf = (id: string) => median(wall.get(id) ?? []);
  return {
    nodeVersion: process.version,
    embeddedNodeVersion: `v${version}`,
    sizes,
    startup: contenders.map(({ id, command, floor }) => {
      const startupMs = summarize(wall.get(id) ?? []);
      return {
        id,
        command: display(root, command),
        startupMs,
        ...(memory ? { peakRssKiB: summarize(rss.get(id) ?? []) } : {}),
        ...(floor
          ? {
              floor: display(root, contenders.find((c) => c.id === floor)?.command ?? []),
              overFloorMs: round(startupMs.median - medianOf(floor)),
            }
          : {}),
        overPathNodeMs: round(startupMs.median - medianOf("node-floor")),
      };
    }),
    peakMemoryMethod: memory
      ? `${GNU_TIME} -f %M (ru_maxrss of the child, KiB), in runs apart from the timed ones`
      : `not measured: ${GNU_TIME} is missing (apt-get install time)`,
  };
}

function sized(file: string, baseFile?: string): ArtifactSize {
  const bytes = statSync(file).size;
  if (!baseFile || !existsSync(baseFile)) return { file, bytes };
  const base = { file: baseFile, bytes: statSync(baseFile).size };
  return { file, bytes, base, overBaseBytes: bytes - base.bytes };
}

/** Wall time of one run, ms. */
function once(command: readonly string[]): number {
  const [cmd, ...args] = command as [string, ...string[]];
  const started = performance.now();
  const result = spawnSync(cmd, args, { stdio: "ignore" });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`\`${command.join(" ")}\` exited ${result.status ?? result.signal}`);
  return ms;
}

export function peakRssKiB(command: readonly string[]): number {
  const out = join(process.env.TMPDIR ?? "/tmp", `push-images-bench-rss-${process.pid}`);
  try {
    const result = spawnSync(GNU_TIME, ["-f", "%M", "-o", out, ...command], { stdio: "ignore" });
    if (result.status !== 0) throw new Error(`\`${GNU_TIME} ${command.join(" ")}\` exited ${result.status ?? result.signal}`);
    return Number(readFileSync(out, "utf8").trim().split("\n").at(-1));
  } finally {
    rmSync(out, { force: true });
  }
}

function display(root: string, command: readonly string[]): string {
  return command.map((word) => (word === process.execPath ? "node" : word.replace(`${root}/`, ""))).join(" ");
}
