/**
 * src/core/terminal-lines.ts with fit-line.ts: the live and final lines of
 * one image at a wide and a narrow terminal, what stays and what gives way.
 */
import { describe, expect, it } from "vitest";
import { fitFields } from "../../src/core/fit-line.ts";
import { failure } from "../../src/core/errors.ts";
import { finalFields, liveFields } from "../../src/core/terminal-lines.ts";

const MiB = 1024 * 1024;
const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, "");
const job = {
  image: "apim-le-trafficmanager",
  source: "apim/apim-le-trafficmanager:v6.0.0",
  target: "reg/p/apim-le-trafficmanager:v6.0.0",
};

describe("terminal lines", () => {
  it("a live line says all on a wide terminal; at 60 columns what it waits for outlasts the rest", () => {
    const progress = {
      stage: "pushing",
      attempt: 1,
      bytesSent: 12 * MiB,
      bytesTotal: 60 * MiB,
      waiting: "reg to answer (all sent), up to 2m10s in all",
    } as const;
    const fields = liveFields(job.image, 7, { spinner: "⠋", progress, seconds: 4, retries: 1 });
    expect(plain(fitFields(fields, 200))).toBe(
      "⠋     pushing      apim-le-trafficmanager  12.0/60.0 MiB at 3.0 MiB/s  4.0s  retry 1  waiting for reg to answer (all sent), up to 2m10s in all",
    );
    expect(plain(fitFields(fields, 60))).toBe("⠋     pushing      apim-le-trafficmanager  waiting for reg …");
  });

  it("an engine push's live line counts layers", () => {
    const progress = { stage: "pushing", attempt: 1, layersDone: 2, layersTotal: 4, layersSending: 1 } as const;
    const fields = liveFields(job.image, 7, { spinner: "⠋", progress, seconds: 3.1, retries: 0 });
    expect(plain(fitFields(fields, 80))).toBe("⠋     pushing      apim-le-trafficmanager  layers 2/4 (1 sending)  3.1s");
    expect(plain(fitFields(fields, 60))).toBe("⠋     pushing      apim-le-trafficmanager  layers 2/4  3.1s");
    expect(plain(fitFields(fields, 55))).toBe("⠋     pushing      apim-le-trafficmanager  layers 2/4");
  });

  it("a failure's final line is one line, its message cut at its end", () => {
    const error = failure(
      "REGISTRY_STALLED",
      "the push of apim-le-trafficmanager made no progress for 60s:\nreg stopped answering",
      "wait",
    );
    const fields = finalFields({ job, status: "failed", error, attempts: 1, seconds: 61 }, job.image, 5, 7);
    const line = plain(fitFields(fields, 60));
    expect(line).toBe("[5/7] failed     apim-le-trafficmanager: the push of apim-l…");
  });
});
