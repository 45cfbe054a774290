/**
 * The bench's command line: `npm run bench -- [--quick] [--only <sections>]
 * [--layer-mib <n>] [--runs <n>] [--delay-ms <n>] [--no-build]`. Each
 * numeric flag can also come from the environment (BENCH_LAYER_MIB, ...).
 */
import { parseArgs } from "node:util";

const SECTIONS = ["push", "artifacts", "archives", "layers", "skopeo"] as const;
export type Section = (typeof SECTIONS)[number];

export interface BenchOptions {
  readonly quick: boolean;
  readonly sections: readonly Section[];
  /** Size of each of an image's three random layers. */
  readonly layerBytes: number;
  /** Measured runs per contender in the push and archive sections. */
  readonly runs: number;
  /** `--help` runs per artifact. */
  readonly startupRuns: number;
  /** Delay the proxy adds each way; the round trip is twice this. */
  readonly oneWayMs: number;
  /** Extra -j values the layers section measures beside the tool's default. */
  readonly layersJobs: readonly number[];
  /** Also time each podman call in extra runs (where the time goes). */
  readonly breakdown: boolean;
  readonly build: boolean;
  /** Section E: size of the single random layer of the incompressible image. */
  readonly skopeoGib: number;
}

export const USAGE = `npm run bench -- [options]
  --quick             fewer runs, 1 MiB layers, product-like sets a quarter the size: a fast check (about 5 minutes)
  --only <list>       sections to run, comma-separated: push,artifacts,archives,layers,skopeo (default: all)
  --layer-mib <n>     size of each of the 3 random layers per image (default 4; quick 1)   env BENCH_LAYER_MIB
  --runs <n>          measured runs per contender, push and archives (default 5; quick 3) env BENCH_RUNS
  --startup-runs <n>  --help runs per artifact (default 30; quick 10)                      env BENCH_STARTUP_RUNS
  --delay-ms <n>      delay the proxy adds each way (default 15, a ~30 ms round trip)     env BENCH_DELAY_MS
  --layers-j <list>   layers section: also measure the tool at these -j, e.g. 2,4 (default: only its default)
  --skopeo-gib <n>    section E: GiB of random bytes in the incompressible image (default 1; quick 0.25) env BENCH_SKOPEO_GIB
  --no-breakdown      skip the traced runs that split a push into podman calls and the rest
  --no-build          use build/ as it is instead of running npm run build first
  -h, --help          this text`;

export function parseOptions(argv: readonly string[]): BenchOptions | "help" {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: "boolean", default: false },
      only: { type: "string" },
      "layer-mib": { type: "string" },
      runs: { type: "string" },
      "startup-runs": { type: "string" },
      "delay-ms": { type: "string" },
      "layers-j": { type: "string" },
      "skopeo-gib": { type: "string" },
      "no-breakdown": { type: "boolean", default: false },
      "no-build": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) return "help";
  const quick = values.quick ?? false;
  const sections = values.only ? values.only.split(",").map((s) => s.trim()) : [...SECTIONS];
  const unknown = sections.filter((s) => !(SECTIONS as readonly string[]).includes(s));
  if (unknown.length > 0) throw new Error(`--only: unknown section ${unknown.join(", ")}; choose from ${SECTIONS.join(", ")}`);
  return {
    quick,
    sections: sections as Section[],
    layerBytes: Math.round(
      number("--layer-mib", values["layer-mib"] ?? process.env.BENCH_LAYER_MIB, quick ? 1 : 4, 0.0625) * 1024 * 1024,
    ),
    runs: Math.round(number("--runs", values.runs ?? process.env.BENCH_RUNS, quick ? 3 : 5, 1)),
    startupRuns: Math.round(
      number("--startup-runs", values["startup-runs"] ?? process.env.BENCH_STARTUP_RUNS, quick ? 10 : 30, 1),
    ),
    oneWayMs: number("--delay-ms", values["delay-ms"] ?? process.env.BENCH_DELAY_MS, 15, 0),
    layersJobs: (values["layers-j"] ?? "")
      .split(",")
      .filter(Boolean)
      .map((j) => Math.round(number("--layers-j", j, 1, 1))),
    breakdown: !(values["no-breakdown"] ?? false),
    build: !(values["no-build"] ?? false),
    skopeoGib: number("--skopeo-gib", values["skopeo-gib"] ?? process.env.BENCH_SKOPEO_GIB, quick ? 0.25 : 1, 0.01),
  };
}

function number(flag: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined || text === "") return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < min) throw new Error(`${flag}: "${text}" is not a number >= ${min}`);
  return value;
}
