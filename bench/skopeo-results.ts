/**
 * Section E's figures: per set and step, push-images' and skopeo's median
 * time and peak RSS side by side, their ratio (and the median of each
 * run's own ratio), what a save wrote, and issue 23's targets.
 */
import type { Target } from "./results.ts";
import type { SkopeoContender, SkopeoSample, SkopeoStep } from "./skopeo-bench.ts";
import { median, ratio, summarize, type Summary } from "./stats.ts";
import { table } from "./table.ts";

export interface SkopeoRow {
  readonly set: string;
  readonly step: SkopeoStep;
  readonly ms: Record<SkopeoContender, Summary>;
  readonly peakKiB: Record<SkopeoContender, number>;
  readonly bytes?: Record<SkopeoContender, number>;
  /** push-images' median over skopeo's. */
  readonly timeRatio: number;
  /** Median of each run's own ratio. */
  readonly pairedTimeRatio: number;
}

export interface VersionMemory {
  readonly versionKiB: number;
  readonly floorKiB: number;
  readonly floor: string;
}

export function skopeoRows(samples: readonly SkopeoSample[]): SkopeoRow[] {
  const rows: SkopeoRow[] = [];
  for (const set of [...new Set(samples.map((s) => s.set))]) {
    for (const step of ["save", "push"] as const) {
      const of = (contender: SkopeoContender) =>
        samples.filter((s) => s.set === set && s.step === step && s.contender === contender);
      const runs = [...new Set(of("tool").map((s) => s.run))];
      const paired = runs.map((run) => {
        const mine = (c: SkopeoContender) => of(c).find((s) => s.run === run)?.ms ?? Number.NaN;
        return mine("tool") / mine("skopeo");
      });
      const ms = { tool: summarize(of("tool").map((s) => s.ms)), skopeo: summarize(of("skopeo").map((s) => s.ms)) };
      const peakKiB = { tool: median(of("tool").map((s) => s.peakKiB)), skopeo: median(of("skopeo").map((s) => s.peakKiB)) };
      const bytes = (c: SkopeoContender) => median(of(c).map((s) => s.bytes ?? Number.NaN));
      rows.push({
        set,
        step,
        ms,
        peakKiB,
        ...(step === "save" ? { bytes: { tool: bytes("tool"), skopeo: bytes("skopeo") } } : {}),
        timeRatio: ratio(ms.tool.median, ms.skopeo.median),
        pairedTimeRatio: ratio(median(paired), 1),
      });
    }
  }
  return rows;
}

const STEP_TEXT: Record<SkopeoStep, string> = { save: "save", push: "--from-archive / skopeo push" };
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mib = (kib: number) => `${(kib / 1024).toFixed(1)} MiB`;

export function skopeoTable(rows: readonly SkopeoRow[]): string {
  return table(
    ["set", "step", "push-images", "skopeo", "x skopeo", "paired", "RSS push-images", "RSS skopeo", "size x skopeo"],
    rows.map((r) => [
      r.set,
      STEP_TEXT[r.step],
      sec(r.ms.tool.median),
      sec(r.ms.skopeo.median),
      r.timeRatio.toFixed(2),
      r.pairedTimeRatio.toFixed(2),
      mib(r.peakKiB.tool),
      mib(r.peakKiB.skopeo),
      r.bytes
        ? `${ratio(r.bytes.tool, r.bytes.skopeo).toFixed(3)} (${(r.bytes.tool / 1e6).toFixed(1)} / ${(r.bytes.skopeo / 1e6).toFixed(1)} MB)`
        : "",
    ]),
  );
}

/** Issue 23's targets that one run can judge; `gib` names the random image's size (the targets speak of 1 GB). */
export function skopeoTargets(rows: readonly SkopeoRow[], version: VersionMemory, gib: string, enginePeakKiB: number): Target[] {
  const row = (set: string, step: SkopeoStep) => rows.find((r) => r.set === set && r.step === step);
  const targets: Target[] = [];
  const add = (statement: string, value: number | undefined, limit: number, unit: string) => {
    if (value === undefined || Number.isNaN(value)) return;
    targets.push({ issue: 23, statement, value, limit, unit, met: value <= limit });
  };
  const random = `the ${gib} random image`;
  add(`save time over skopeo's, ${random}`, row("incompressible", "save")?.timeRatio, 1.0, "x anchor");
  add("save time over skopeo's, product-like set", row("product-like", "save")?.timeRatio, 0.8, "x anchor");
  const size = (set: string) => {
    const bytes = row(set, "save")?.bytes;
    return bytes ? ratio(bytes.tool, bytes.skopeo) : undefined;
  };
  add(`bundle size over skopeo's layout, ${random}`, size("incompressible"), 1.01, "x anchor");
  add("bundle size over skopeo's layout, product-like set", size("product-like"), 1.0, "x anchor");
  add(
    `--from-archive time over skopeo copy oci: docker://, ${random}`,
    row("incompressible", "push")?.timeRatio,
    1.0,
    "x anchor",
  );
  const peak = (step: SkopeoStep) => {
    const kib = row("incompressible", step)?.peakKiB.tool;
    return kib === undefined ? undefined : kib / 1024;
  };
  add(`peak RSS of save, ${random}`, peak("save"), 80, "MiB");
  add(`peak RSS of --from-archive, ${random}`, peak("push"), 80, "MiB");
  add("peak RSS of an engine push (-c podman), product-like set", enginePeakKiB / 1024, 80, "MiB");
  add(`--version peak RSS over ${version.floor} -e 0`, (version.versionKiB - version.floorKiB) / 1024, 10, "MiB");
  return targets;
}
