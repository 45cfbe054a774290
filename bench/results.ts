/**
 * Raw samples become the figures the issues ask for: medians per
 * contender, ratios against the seed's way measured in the same bench run,
 * and each target with its limit and whether it is met.
 */
import type { ArtifactsResults } from "./artifacts-bench.ts";
import { LABELS, type ContenderId } from "./contenders.ts";
import type { Network, Phase, PushSample } from "./push-bench.ts";
import { median, ratio, summarize, type Summary } from "./stats.ts";

export interface Target {
  readonly issue: number;
  readonly statement: string;
  readonly value: number;
  readonly limit: number;
  readonly unit: string;
  readonly met: boolean;
}

export interface PushRow {
  readonly network: Network;
  readonly phase: Phase;
  readonly contender: ContenderId;
  readonly ms: Summary;
  /** This contender's median over (a)'s median, same network and phase, same bench run. */
  readonly ratioToSeed: number;
  /** Median of per-run ratios (each run's contender against that run's (a)): less exposed to load drifting over minutes. */
  readonly pairedRatioToSeed: number;
  readonly medianConnections?: number;
}

export function pushRows(samples: readonly PushSample[]): PushRow[] {
  const rows: PushRow[] = [];
  for (const network of ["loopback", "proxy"] as const) {
    for (const phase of ["fresh", "rerun"] as const) {
      const of = (contender: ContenderId) =>
        samples.filter((s) => s.network === network && s.phase === phase && s.contender === contender);
      const seedMedian = median(of("seed").map((s) => s.ms));
      for (const contender of Object.keys(LABELS) as ContenderId[]) {
        const mine = of(contender);
        if (mine.length === 0) continue;
        const ms = summarize(mine.map((s) => s.ms));
        const connections = mine.flatMap((s) => (s.connections === undefined ? [] : [s.connections]));
        const paired = mine.flatMap((s) => {
          const seed = of("seed").find((t) => t.run === s.run);
          return seed ? [s.ms / seed.ms] : [];
        });
        rows.push({
          network,
          phase,
          contender,
          ms,
          ratioToSeed: ratio(ms.median, seedMedian),
          pairedRatioToSeed: ratio(median(paired), 1),
          ...(connections.length > 0 ? { medianConnections: median(connections) } : {}),
        });
      }
    }
  }
  return rows;
}

export function pushTargets(rows: readonly PushRow[]): Target[] {
  const find = (network: Network, phase: Phase, contender: ContenderId) =>
    rows.find((r) => r.network === network && r.phase === phase && r.contender === contender)?.ratioToSeed ?? Number.NaN;
  const target = (statement: string, value: number, limit: number): Target => ({
    issue: 5,
    statement,
    value,
    limit,
    unit: "x (a)",
    met: value <= limit,
  });
  return [
    target("fresh push through the ~30 ms proxy: (c) at most 0.5 x (a)", find("proxy", "fresh", "tool-default"), 0.5),
    target(
      "re-run with everything there, through the proxy: (c) at most 0.2 x (a)'s re-run",
      find("proxy", "rerun", "tool-default"),
      0.2,
    ),
    target("-j 1 on loopback, fresh push: (b) within 10 % of (a)", find("loopback", "fresh", "tool-j1"), 1.1),
  ];
}

const SIZE_LIMIT_BYTES = 2_000_000;
const STARTUP_LIMIT_MS = 60;

export function artifactTargets(results: ArtifactsResults): Target[] {
  const targets: Target[] = [];
  for (const size of results.sizes) {
    if (size.overBaseBytes === undefined) continue;
    const name = size.file.split("/").at(-1) ?? size.file;
    targets.push({
      issue: 4,
      statement: `${name} at most its stripped base Node.js + 2 MB`,
      value: size.overBaseBytes,
      limit: SIZE_LIMIT_BYTES,
      unit: "bytes over base",
      met: size.overBaseBytes <= SIZE_LIMIT_BYTES,
    });
  }
  for (const row of results.startup) {
    if (row.id !== "binary-x64" && row.id !== "mjs") continue;
    const over = row.overFloorMs ?? Number.NaN;
    targets.push({
      issue: 4,
      statement: `${row.command}: start-up within 60 ms of \`${row.floor ?? "node -e 0"}\``,
      value: over,
      limit: STARTUP_LIMIT_MS,
      unit: "ms over floor",
      met: over <= STARTUP_LIMIT_MS,
    });
  }
  return targets;
}
