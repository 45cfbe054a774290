/** The readable form of the results: one plain-text table per section, then the targets. */
import type { ArtifactsResults } from "./artifacts-bench.ts";
import type { Breakdown } from "./podman-trace.ts";
import type { TracedRun } from "./push-breakdown.ts";
import { LABELS } from "./contenders.ts";
import type { PushRow, Target } from "./results.ts";

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const msText = (ms: number) => `${ms.toFixed(1)} ms`;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;

export function pushTable(rows: readonly PushRow[]): string {
  return table(
    ["network / phase", "contender", "median", "min", "max", "x (a)", "paired", "conns"],
    rows.map((r) => [
      `${r.network} ${r.phase === "fresh" ? "fresh push" : "re-run"}`,
      LABELS[r.contender],
      sec(r.ms.median),
      sec(r.ms.min),
      sec(r.ms.max),
      r.ratioToSeed.toFixed(2),
      r.pairedRatioToSeed.toFixed(2),
      r.medianConnections === undefined ? "" : String(r.medianConnections),
    ]),
  );
}

export function breakdownTable(runs: readonly TracedRun[]): string {
  return tracedTable(
    runs.map((run) => [
      `${run.network} ${run.phase === "fresh" ? "fresh" : "re-run"} ${LABELS[run.contender as keyof typeof LABELS] ?? run.contender}`,
      run.breakdown,
    ]),
  );
}

function tracedTable(runs: readonly (readonly [string, Breakdown])[]): string {
  const overview = table(
    ["traced run (one each)", "wall", "podman busy", "no podman", "to 1st call", "to 1st tag", "between calls", "after last"],
    runs.map(([name, b]) => [
      name,
      sec(b.wallMs),
      sec(b.podmanBusyMs),
      sec(b.outsidePodmanMs),
      sec(b.beforeFirstCallMs),
      sec(b.beforeFirstTagMs),
      sec(b.betweenCallsMs),
      sec(b.afterLastCallMs),
    ]),
  );
  const calls = runs.map(([name, b]) => {
    const parts = Object.entries(b.podman).map(
      ([sub, { calls: n, totalMs, spanMs }]) =>
        `${sub} ${n}x avg ${msText(totalMs / n)}${n > 1 ? ` (first start to last end ${sec(spanMs)})` : ""}`,
    );
    return `  ${name}: ${parts.join("; ")}`;
  });
  return `${overview}\n\npodman calls per traced run:\n${calls.join("\n")}`;
}

export function artifactTables(results: ArtifactsResults): string {
  const sizes = table(
    ["artifact", "size", "stripped base", "over base"],
    results.sizes.map((s) => [
      s.file.split("/").slice(-2).join("/"),
      mib(s.bytes),
      s.base ? mib(s.base.bytes) : "-",
      s.overBaseBytes === undefined ? "-" : `${(s.overBaseBytes / 1e6).toFixed(2)} MB`,
    ]),
  );
  const startup = table(
    ["start-up", "median", "min", "max", "over own floor", "over node -e 0", "peak RSS"],
    results.startup.map((r) => [
      r.command,
      msText(r.startupMs.median),
      msText(r.startupMs.min),
      msText(r.startupMs.max),
      r.overFloorMs === undefined ? "(floor)" : msText(r.overFloorMs),
      r.id === "node-floor" ? "(floor)" : msText(r.overPathNodeMs),
      r.peakRssKiB ? `${(r.peakRssKiB.median / 1024).toFixed(1)} MiB` : "n/a",
    ]),
  );
  const floors = results.startup
    .filter((r) => r.floor)
    .map((r) => `${r.command.split(" ").slice(0, 2).join(" ")}: ${r.floor}`)
    .join("; ");
  return `${sizes}\n\n${startup}\nnode on PATH: ${results.nodeVersion}; embedded in the binaries: ${results.embeddedNodeVersion}\nown floor = -e 0 of the Node.js that runs it (${floors})\npeak memory: ${results.peakMemoryMethod}`;
}

export function targetLines(targets: readonly Target[]): string {
  return targets
    .map(
      (t) => `  [${t.met ? "MET" : "NOT MET"}] issue ${t.issue}: ${t.statement} -> ${formatValue(t)} (limit ${formatLimit(t)})`,
    )
    .join("\n");
}

function formatValue(t: Target): string {
  if (t.unit === "bytes over base") return `${(t.value / 1e6).toFixed(2)} MB over`;
  if (t.unit === "ms over floor") return `${t.value.toFixed(1)} ms over`;
  if (t.unit === "uploads") return `${t.value} uploads`;
  if (t.unit === "x anchor") return `${t.value.toFixed(2)} x`;
  if (t.unit === "s") return `${t.value.toFixed(2)} s`;
  if (t.unit === "MB" || t.unit === "MiB") return `${t.value.toFixed(1)} ${t.unit}`;
  return `${t.value.toFixed(2)} x (a)`;
}

function formatLimit(t: Target): string {
  if (t.unit === "bytes over base") return `${(t.limit / 1e6).toFixed(2)} MB`;
  if (t.unit === "ms over floor") return `${t.limit} ms`;
  if (t.unit === "uploads") return String(t.limit);
  if (t.unit === "s" || t.unit === "MB" || t.unit === "MiB") return `${t.limit} ${t.unit}`;
  return `${t.limit.toFixed(2)}`;
}
