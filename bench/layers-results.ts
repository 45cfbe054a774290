/**
 * Section D's figures: medians per image set, engine, network, phase and
 * contender; each contender's ratio to the seed's loop measured in the same
 * bench run; blob uploads counted by the registry; and issue 13's targets.
 */
import type { Engine, LayersSample, SetId } from "./layers-bench.ts";
import type { Network, Phase } from "./push-bench.ts";
import type { Target } from "./results.ts";
import { median, ratio, summarize, type Summary } from "./stats.ts";
import { table } from "./table.ts";

export interface LayersRow {
  readonly set: SetId;
  readonly engine: Engine;
  readonly network: Network;
  readonly phase: Phase;
  readonly contender: string;
  readonly ms: Summary;
  readonly ratioToSeed: number;
  /** Median of each run's own ratio to that run's seed loop. */
  readonly pairedRatioToSeed: number;
  /** Median blob uploads the registry completed. */
  readonly uploads: number;
}

export function layersRows(samples: readonly LayersSample[]): LayersRow[] {
  const rows: LayersRow[] = [];
  const keys = new Set(samples.map((s) => `${s.set}|${s.engine}|${s.network}|${s.phase}`));
  const contenders = [...new Set(samples.map((s) => s.contender))];
  for (const key of keys) {
    const [set, engine, network, phase] = key.split("|") as [SetId, Engine, Network, Phase];
    const same = (s: LayersSample) => s.set === set && s.engine === engine && s.network === network && s.phase === phase;
    const of = (contender: string) => samples.filter((s) => same(s) && s.contender === contender);
    const seed = of("seed");
    for (const contender of contenders) {
      const mine = of(contender);
      if (mine.length === 0) continue;
      const ms = summarize(mine.map((s) => s.ms));
      const paired = mine.flatMap((s) => seed.filter((t) => t.run === s.run).map((t) => s.ms / t.ms));
      const seedMedian = median(seed.map((s) => s.ms));
      const uploads = median(mine.map((s) => s.uploads));
      rows.push({
        set,
        engine,
        network,
        phase,
        contender,
        ms,
        ratioToSeed: ratio(ms.median, seedMedian),
        pairedRatioToSeed: ratio(median(paired), 1),
        uploads,
      });
    }
  }
  return rows;
}

/** Issue 13's targets for the tool at its default -j, per engine. */
export function layersTargets(rows: readonly LayersRow[], distinctBlobs: Readonly<Record<SetId, number>>): Target[] {
  const targets: Target[] = [];
  const row = (set: SetId, engine: Engine, network: Network, phase: Phase, contender = "tool") =>
    rows.find(
      (r) => r.set === set && r.engine === engine && r.network === network && r.phase === phase && r.contender === contender,
    );
  const ratioTarget = (statement: string, value: number, limit: number): Target => ({
    issue: 13,
    statement,
    value,
    limit,
    unit: "x (a)",
    met: value <= limit,
  });
  for (const engine of ["podman", "docker"] as const) {
    if (!rows.some((r) => r.engine === engine)) continue;
    for (const [set, loopback, proxy] of [
      ["product-like", 1.0, 0.7],
      ["distinct", 1.0, 0.6],
    ] as const) {
      const fresh = (network: Network) => row(set, engine, network, "fresh")?.ratioToSeed ?? Number.NaN;
      targets.push(
        ratioTarget(`${engine}, ${set} set, loopback fresh: at most ${loopback} x the seed loop`, fresh("loopback"), loopback),
      );
      targets.push(
        ratioTarget(`${engine}, ${set} set, ~30 ms proxy fresh: at most ${proxy} x the seed loop`, fresh("proxy"), proxy),
      );
    }
    const uploads = row("product-like", engine, "loopback", "fresh")?.uploads ?? Number.NaN;
    const distinct = distinctBlobs["product-like"];
    const statement = `${engine}, product-like set, fresh: blob uploads = distinct blobs (${distinct})`;
    targets.push({ issue: 13, statement, value: uploads, limit: distinct, unit: "uploads", met: uploads <= distinct });
    // A re-run is held against the seed loop's fresh push: the seed pushes everything again, whatever is there.
    const reruns = rows
      .filter((r) => r.engine === engine && r.phase === "rerun" && r.contender === "tool")
      .map((r) => {
        const seedFresh = row(r.set, engine, r.network, "fresh", "seed");
        return ratio(r.ms.median, seedFresh?.ms.median ?? Number.NaN);
      });
    const worst = reruns.length > 0 ? Math.max(...reruns) : Number.NaN;
    targets.push(
      ratioTarget(`${engine}, slowest re-run (both sets, both networks): at most 0.1 x the seed loop's fresh push`, worst, 0.1),
    );
  }
  return targets;
}

const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

export function layersTable(rows: readonly LayersRow[]): string {
  return table(
    ["set / engine / network, phase", "contender", "median", "min", "max", "x seed", "paired", "uploads"],
    rows.map((r) => [
      `${r.set} ${r.engine} ${r.network}, ${r.phase === "fresh" ? "fresh" : "re-run"}`,
      r.contender === "seed" ? "seed loop" : r.contender === "tool" ? "push-images" : `push-images${r.contender.slice(4)}`,
      sec(r.ms.median),
      sec(r.ms.min),
      sec(r.ms.max),
      r.ratioToSeed.toFixed(2),
      r.pairedRatioToSeed.toFixed(2),
      String(r.uploads),
    ]),
  );
}
