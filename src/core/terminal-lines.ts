/**
 * The lines of the live display on a terminal, as fields that fit-line.ts
 * fits to the width: the header of what all images share, then one line
 * per image naming just the image (shared-names.ts). What gives way first
 * when the terminal is narrow: the speed, the elapsed time, then how much
 * has gone; then the end of what a push waits for, and the middle of the
 * image's name (the longer first).
 */
import ansis from "ansis";
import type { Field } from "./fit-line.ts";
import type { JobProgress, JobResult } from "./hooks.ts";
import type { SharedNames } from "./shared-names.ts";

const STATUS_WIDTH = 10;
const STAGE_WIDTH = 12;
/** The live lines' first column, as wide as a final line's `[i/N]`. */
const margin = (total: number) => `[${total}/${total}]`.length;

/** `apim/*:v6.0.0 -> 127.0.0.1:15331/tb/*:v6.0.0`, each side shortened in its middle. */
export function headerFields({ source, target }: NonNullable<SharedNames["header"]>): Field[] {
  return [
    { text: source, shorten: "middle", paint: ansis.bold },
    { before: " -> ", text: target, shorten: "middle", paint: ansis.bold },
  ];
}

/** An image not started yet. */
export function waitingFields(name: string, total: number): Field[] {
  return [
    { text: `${" ".repeat(margin(total))} ${"waiting".padEnd(STAGE_WIDTH)}`, paint: ansis.dim },
    nameField(name, ansis.dim),
  ];
}

/** What a started image's live line is made of. */
export interface LiveState {
  readonly spinner: string;
  readonly progress?: JobProgress;
  readonly seconds: number;
  readonly retries: number;
}

/** `⠋     pushing      apim-le-cache  layers 2/4  3.1s`. */
export function liveFields(name: string, total: number, { spinner, progress, seconds, retries }: LiveState): Field[] {
  const stage = progress?.stage ?? "starting";
  return [
    { text: spinner.padEnd(margin(total)), paint: ansis.cyan },
    { before: " ", text: stage.padEnd(STAGE_WIDTH) },
    nameField(name),
    ...amountFields(progress, seconds),
    { before: "  ", text: `${seconds.toFixed(1)}s`, drop: 2, paint: ansis.dim },
    ...(retries > 0 ? [{ before: "  ", text: `retry ${retries}`, drop: 5, paint: ansis.yellow }] : []),
    ...(progress?.waiting
      ? [{ before: "  ", text: `waiting for ${progress.waiting}`, shorten: "end" as const, paint: ansis.yellow }]
      : []),
  ];
}

/** How much has gone: bytes through the registry API, layers through an engine; nothing when neither is known. */
function amountFields(progress: JobProgress | undefined, seconds: number): Field[] {
  const { bytesSent, bytesTotal, layersDone, layersTotal, layersSending } = progress ?? {};
  if (bytesSent !== undefined && bytesTotal !== undefined) {
    const rate = bytesSent / Math.max(0.1, seconds);
    return [
      { before: "  ", text: `${mib(bytesSent)}/${mib(bytesTotal)} MiB`, drop: 3 },
      { before: " ", text: `at ${mib(rate)} MiB/s`, drop: 1, paint: ansis.dim },
    ];
  }
  if (layersDone === undefined || layersTotal === undefined) return [];
  return [
    { before: "  ", text: `layers ${layersDone}/${layersTotal}`, drop: 3 },
    ...(layersSending ? [{ before: " ", text: `(${layersSending} sending)`, drop: 1, paint: ansis.dim }] : []),
  ];
}

/** `[1/7] pushed     apim-le-cache  sha256:e53e6db5941c  0.4s`, or a failure's message, shortened at its end. */
export function finalFields(result: JobResult, name: string, index: number, total: number): Field[] {
  const { status, digest, error, seconds } = result;
  const head = { text: `[${index}/${total}]`.padStart(margin(total)) };
  const state = { before: " ", text: status.padEnd(STATUS_WIDTH) };
  if (status === "failed")
    return [head, state, nameField(name), { before: ": ", text: oneLine(error?.message ?? "unknown error"), shorten: "end" }];
  return [
    head,
    state,
    nameField(name),
    ...(digest ? [digestField(digest)] : []),
    ...(status === "planned" ? [] : [{ before: "  ", text: `${seconds.toFixed(1)}s`, drop: 1 }]),
  ];
}

/** An image an interrupt kept from starting. */
export function notStartedFields(name: string, total: number): Field[] {
  return [
    { text: `${" ".repeat(margin(total))} ${"not started".padEnd(STAGE_WIDTH)}`, paint: ansis.dim },
    nameField(name, ansis.dim),
  ];
}

/** `sha256:e53e6db5941c`, or just its hex when the line is narrow. */
function digestField(digest: string): Field {
  const hex = digest.slice(digest.indexOf(":") + 1, digest.indexOf(":") + 13);
  return { before: "  ", text: `${digest.slice(0, digest.indexOf(":") + 1)}${hex}`, narrow: hex, drop: 2 };
}

function nameField(name: string, paint?: (text: string) => string): Field {
  return { before: " ", text: name, shorten: "middle", ...(paint ? { paint } : {}) };
}

/** A message as one line: a line break inside it would break the live display's count of rows. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ");
}

function mib(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}
