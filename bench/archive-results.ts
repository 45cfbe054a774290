/**
 * Section C's figures (issue 11): medians per phase, network and
 * contender; the tool's ratios to its two anchors (skopeo, and podman load
 * + the seed loop) measured in the same bench run; blob uploads; peak
 * memory of the big bundle; and the issue's targets.
 */
import type { ArchiveContender, ArchivePhase, ArchiveSample } from "./archive-bench.ts";
import type { ArchiveMemory } from "./archive-memory.ts";
import type { Target } from "./results.ts";
import { median, ratio, summarize, type Summary } from "./stats.ts";
import { table } from "./table.ts";

type Where = ArchiveSample["network"];

export interface ArchiveRow {
  readonly phase: ArchivePhase;
  readonly network: Where;
  readonly contender: ArchiveContender;
  readonly ms: Summary;
  readonly bytes?: number;
  readonly uploads?: number;
  /** The tool's median over the anchor's median, and the median of each run's own ratio (tool rows of save and fresh only). */
  readonly toSkopeo?: { readonly ratio: number; readonly paired: number };
  readonly toPodman?: { readonly ratio: number; readonly paired: number };
}

export function archiveRows(samples: readonly ArchiveSample[]): ArchiveRow[] {
  const rows: ArchiveRow[] = [];
  const keys = new Set(samples.map((s) => `${s.phase}|${s.network}`));
  for (const key of keys) {
    const [phase, network] = key.split("|") as [ArchivePhase, Where];
    const of = (contender: ArchiveContender) =>
      samples.filter((s) => s.phase === phase && s.network === network && s.contender === contender);
    const against = (mine: readonly ArchiveSample[], anchor: ArchiveContender) => {
      const theirs = of(anchor);
      if (theirs.length === 0 || phase === "rerun") return undefined;
      const paired = mine.flatMap((s) => theirs.filter((t) => t.run === s.run).map((t) => s.ms / t.ms));
      return { ratio: ratio(median(mine.map((s) => s.ms)), median(theirs.map((s) => s.ms))), paired: ratio(median(paired), 1) };
    };
    for (const contender of ["tool", "skopeo", "podman", "podman-load", "seed-loop"] as const) {
      const mine = of(contender);
      if (mine.length === 0) continue;
      const bytes = mine.flatMap((s) => (s.bytes === undefined ? [] : [s.bytes]));
      const uploads = mine.flatMap((s) => (s.uploads === undefined ? [] : [s.uploads]));
      const toSkopeo = contender === "tool" ? against(mine, "skopeo") : undefined;
      const toPodman = contender === "tool" ? against(mine, "podman") : undefined;
      rows.push({
        phase,
        network,
        contender,
        ms: summarize(mine.map((s) => s.ms)),
        ...(bytes.length > 0 ? { bytes: median(bytes) } : {}),
        ...(uploads.length > 0 ? { uploads: Math.max(...uploads) } : {}),
        ...(toSkopeo ? { toSkopeo } : {}),
        ...(toPodman ? { toPodman } : {}),
      });
    }
  }
  return rows;
}

const MB = 1e6;
const RSS_LIMIT_MB = 150;

/** Issue 11's performance targets. */
export function archiveTargets(rows: readonly ArchiveRow[], distinctBlobs: number, memory: ArchiveMemory): Target[] {
  const row = (phase: ArchivePhase, network: Where, contender: ArchiveContender = "tool") =>
    rows.find((r) => r.phase === phase && r.network === network && r.contender === contender);
  const target = (statement: string, value: number, limit: number, unit: string): Target => ({
    issue: 11,
    statement,
    value,
    limit,
    unit,
    met: value <= limit,
  });
  const save = row("save", "local");
  const skopeoSave = row("save", "local", "skopeo");
  const targets = [
    target(
      "bundle size: push-images save at most 1.05 x skopeo --dest-compress into an OCI layout",
      ratio(save?.bytes ?? NaN, skopeoSave?.bytes ?? NaN),
      1.05,
      "x anchor",
    ),
    target(
      "save time: at most 1.3 x skopeo copy of the seven images into the layout",
      save?.toSkopeo?.ratio ?? NaN,
      1.3,
      "x anchor",
    ),
  ];
  for (const [network, skopeo, podman] of [
    ["loopback", 1.0, 0.5],
    ["proxy", 0.5, 0.4],
  ] as const) {
    const fresh = row("fresh", network);
    const where = network === "loopback" ? "loopback" : "~30 ms proxy";
    const skopeoRatio = fresh?.toSkopeo?.ratio ?? NaN;
    const podmanRatio = fresh?.toPodman?.ratio ?? NaN;
    const statement = (limit: number, anchor: string) => `--from-archive, ${where}, fresh: at most ${limit} x ${anchor}`;
    targets.push(target(statement(skopeo, "the skopeo loop from the layout"), skopeoRatio, skopeo, "x anchor"));
    targets.push(target(statement(podman, "podman load + the seed loop"), podmanRatio, podman, "x anchor"));
  }
  const rerunSeconds = (row("rerun", "loopback")?.ms.median ?? NaN) / 1000;
  targets.push(target("--from-archive re-run, everything there, loopback: at most 0.5 s", rerunSeconds, 0.5, "s"));
  const uploads = Math.max(...rows.filter((r) => r.contender === "tool" && r.phase === "fresh").map((r) => r.uploads ?? NaN));
  const statement = `--from-archive, fresh: blob uploads (most in any run) = distinct blobs (${distinctBlobs})`;
  targets.push({ issue: 11, statement, value: uploads, limit: distinctBlobs, unit: "uploads", met: uploads === distinctBlobs });
  const big = `a ${(memory.bundleBytes / MB).toFixed(0)} MB bundle`;
  const limit = `at most ${RSS_LIMIT_MB} MB`;
  const rss = (what: string, kib?: number) => target(`peak RSS of ${what} ${big}: ${limit}`, kibToMb(kib), RSS_LIMIT_MB, "MB");
  targets.push(rss("save writing", memory.savePeakKiB), rss("--from-archive pushing", memory.fromArchivePeakKiB));
  return targets;
}

function kibToMb(kib: number | undefined): number {
  return kib === undefined ? NaN : Math.round(((kib * 1024) / MB) * 10) / 10;
}

const LABELS: Record<ArchiveContender, string> = {
  tool: "push-images",
  skopeo: "skopeo loop",
  podman: "podman load + seed loop",
  "podman-load": "  of which podman load",
  "seed-loop": "  of which seed loop",
};

const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
const x = (r?: { ratio: number; paired: number }) => (r ? [r.ratio.toFixed(2), r.paired.toFixed(2)] : ["", ""]);

export function archiveTable(rows: readonly ArchiveRow[]): string {
  const order = (r: ArchiveRow) => ["save", "fresh", "rerun"].indexOf(r.phase) * 2 + (r.network === "proxy" ? 1 : 0);
  return table(
    ["phase / network", "contender", "median", "min", "max", "size", "uploads", "x skopeo", "paired", "x load+loop", "paired"],
    [...rows]
      .sort((a, b) => order(a) - order(b))
      .map((r) => [
        r.phase === "save" ? "save (7 images)" : `${r.network} ${r.phase === "fresh" ? "fresh" : "re-run"}`,
        r.phase === "save" && r.contender === "skopeo" ? "skopeo copy --dest-compress loop" : LABELS[r.contender],
        sec(r.ms.median),
        sec(r.ms.min),
        sec(r.ms.max),
        r.bytes === undefined ? "" : mib(r.bytes),
        r.uploads === undefined ? "" : String(r.uploads),
        ...x(r.toSkopeo),
        ...x(r.toPodman),
      ]),
  );
}

export function memoryLine(memory: ArchiveMemory): string {
  const mb = (kib?: number) => (kib === undefined ? "n/a (no /usr/bin/time; apt-get install time)" : `${kibToMb(kib)} MB`);
  return (
    `Peak RSS (GNU time %M, one run each) with a ${(memory.bundleBytes / MB).toFixed(0)} MB bundle: save ${mb(memory.savePeakKiB)}, ` +
    `--from-archive ${mb(memory.fromArchivePeakKiB)}; target at most ${RSS_LIMIT_MB} MB each.`
  );
}
