/**
 * npm run bench: builds the tool, then measures what issues 4, 5, 11, 13 and
 * 23 ask for (artifacts, pushes, archives, layers, skopeo), prints tables and the targets, and
 * writes every figure to bench/results/latest.json. Whatever it starts is
 * stopped and removed at the end, also on failure, Ctrl-C or SIGTERM.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Cleanup } from "./cleanup.ts";
import { buildImages } from "./images.ts";
import { checkMachine, describeMachine, load } from "./machine.ts";
import { parseOptions, USAGE, type BenchOptions } from "./options.ts";
import { createPodmanStorage } from "./podman-storage.ts";
import { mustRun, stopAllChildren } from "./processes.ts";
import { IMAGES, LAYERS_PER_IMAGE } from "./product.ts";
import {
  archiveSection,
  artifactsSection,
  layersSection,
  pushSection,
  type SectionContext,
  type SectionResult,
} from "./sections.ts";
import { skopeoSection } from "./skopeo-section.ts";
import { targetLines } from "./table.ts";

const progress = (line: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

export async function main(argv: readonly string[], root: string): Promise<number> {
  let options: BenchOptions | "help";
  try {
    options = parseOptions(argv);
    if (options === "help") {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    checkMachine(options.sections);
  } catch (error) {
    process.stderr.write(`Error: ${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }

  const cleanup = new Cleanup();
  let interrupted: string | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return void process.stderr.write("bench: still cleaning up ...\n");
    interrupted = signal;
    progress(`${signal}: stopping what the bench started ...`);
    stopAllChildren();
    void cleanup.run().finally(() => process.exit(130));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const workDir = mkdtempSync(join(tmpdir(), "pib-bench-"));
  cleanup.add(`remove ${workDir}`, () => rmSync(workDir, { recursive: true, force: true }));
  try {
    const started = Date.now();
    const results = await measure(options, root, workDir, cleanup);
    const file = join(root, "bench", "results", "latest.json");
    mkdirSync(join(root, "bench", "results"), { recursive: true });
    writeFileSync(file, `${JSON.stringify({ ...results, benchSeconds: Math.round((Date.now() - started) / 1000) }, null, 2)}\n`);
    progress(`figures written to ${file.replace(`${root}/`, "")}`);
    return 0;
  } catch (error) {
    if (interrupted) return 130;
    process.stderr.write(`bench failed: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await cleanup.run();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

async function measure(options: BenchOptions, root: string, workDir: string, cleanup: Cleanup): Promise<Record<string, unknown>> {
  const binary = join(root, "build", "push-images-linux-x64");
  if (options.build) {
    progress("npm run build ...");
    await mustRun("npm", ["run", "build"], { cwd: root, timeoutMs: 10 * 60_000 });
  }
  const help = (await mustRun(binary, ["--help"])).stdout;
  const machine: Record<string, unknown> = {
    ...describeMachine(),
    podman: (await mustRun("podman", ["--version"])).stdout.trim(),
    loadAverageAtStart: load(),
  };
  const results: Record<string, unknown> = {
    when: new Date().toISOString(),
    machine,
    tool: {
      binary: "build/push-images-linux-x64",
      version: (await mustRun(binary, ["--version"])).stdout.trim(),
      defaultConcurrency: Number(/concurrency[^\n]*default:?\s*(\d+)/i.exec(help)?.[1] ?? Number.NaN),
    },
    options,
  };
  const ctx: SectionContext = { options, root, workDir, binary, cleanup, progress };
  const sections: Record<string, SectionResult> = {};

  // Artifacts first: start-up times are least disturbed before any registry or podman work.
  if (options.sections.includes("artifacts")) sections.artifacts = artifactsSection(ctx);
  if (options.sections.includes("push") || options.sections.includes("layers")) {
    const source = createPodmanStorage(join(workDir, "source"), cleanup);
    progress(
      `building ${IMAGES.length} images of ${LAYERS_PER_IMAGE} random layers of ${(options.layerBytes / 1024 / 1024).toFixed(2)} MiB ...`,
    );
    await buildImages(source, workDir, options.layerBytes);
    if (options.sections.includes("push")) sections.push = await pushSection(ctx, source);
    if (options.sections.includes("layers")) sections.layers = await layersSection(ctx, source);
  }
  // Section C builds its own (product-like) set.
  if (options.sections.includes("archives")) sections.archives = await archiveSection(ctx);
  if (options.sections.includes("skopeo")) sections.skopeo = await skopeoSection(ctx);

  machine.loadAverageAtEnd = load();
  const targets = Object.values(sections).flatMap((section) => section.targets);
  for (const [name, section] of Object.entries(sections)) results[name] = section.json;
  results.targets = targets;

  const busy =
    Number(machine.loadAverageAtStart) > Number(machine.cpus)
      ? " (busy: absolute times are inflated; the ratios were measured side by side)"
      : "";
  const texts = ["push", "artifacts", "archives", "layers", "skopeo"].flatMap((name) =>
    sections[name] ? [sections[name].text] : [],
  );
  texts.push(
    `Machine: load average ${machine.loadAverageAtStart} at start, ${machine.loadAverageAtEnd} at end, on ${machine.cpus} CPUs${busy}`,
  );
  process.stdout.write(`\n${texts.join("\n\n")}\n\nTargets\n${targetLines(targets)}\n`);
  return results;
}
