/**
 * The runner's side of the layer order (src/core/layer-order.ts): the schedule of
 * a run's jobs from the layers preflight found, the layers a dry run looks
 * up for its plan, and the lines that show the order.
 */
import type { Job } from "./hooks.ts";
import { scheduleByLayers, type LayerSchedule } from "./layer-order.ts";
import type { ContainerTool } from "../engine/container-tool.ts";

/** The jobs in push order, and the pushes each waits for; plan order when no layer is known (bundles). */
export function layerSchedule(localLayers: ReadonlyMap<string, readonly string[]>, jobs: readonly Job[]): LayerSchedule<Job> {
  return scheduleByLayers(jobs, (job) => localLayers.get(job.source) ?? []);
}

/**
 * A dry run prints its plan before preflight: it asks for the sources'
 * layers itself, with the same one read-only inspect. A failure leaves the
 * plan in plan order; preflight then says what is wrong.
 */
export async function lookUpLayersForPlan(
  tool: ContainerTool,
  known: ReadonlyMap<string, readonly string[]>,
  jobs: readonly Job[],
): Promise<Map<string, readonly string[]>> {
  const sources = [...new Set(jobs.map((job) => job.source))].filter((source) => !known.has(source));
  const images = await tool.inspectImages(sources).catch(() => new Map());
  const layers = new Map(known);
  for (const [source, image] of images) if (image) layers.set(source, image.layers);
  return layers;
}

/** One line per carrier: what it pushes first, and who waits for it; none when no layer is shared. */
export function orderLines(schedule: LayerSchedule<Job>): string[] {
  return [...schedule.carries].map(([carrier, layers]) => {
    const waiting = [...schedule.waitsFor].filter(([, carriers]) => carriers.includes(carrier)).map(([job]) => job.image);
    const count = `${layers.length} layer${layers.length === 1 ? "" : "s"}`;
    return `  Layer order: ${carrier.image} first; ${waiting.join(", ")} share ${count} with it and start once it is pushed`;
  });
}

/** The note after a job that waits: `(after apim-le-cache)`. */
export function waitNote(schedule: LayerSchedule<Job>, job: Job): string {
  const carriers = schedule.waitsFor.get(job) ?? [];
  return carriers.length === 0 ? "" : `   (after ${carriers.map((carrier) => carrier.image).join(", ")})`;
}
