/**
 * A registry that goes down mid-run (issue 5): the run ends with exit 1
 * and a partial --json report (images written before the stop pushed, or
 * VERIFY_FAILED when the registry went down before it could confirm them;
 * the rest failed); once the registry is back, the same command pushes
 * only the rest, reporting the written ones up-to-date. The registry is the test's own, stopped as
 * soon as its access log shows the first manifest written.
 * -j 1 with docker orders the pushes; podman retries a refused connection
 * itself for about 3 s per image, so -j 3 keeps its run short.
 */
import { describe, expect, it } from "vitest";
import { waitFor } from "../bed/wait.ts";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { requestsUnder } from "./helpers/access-log.ts";
import { startCli, runCli } from "./helpers/cli.ts";
import { describeRun, EXIT, expectSuccess } from "./helpers/expect-cli.ts";
import { expectImage, expectPushed } from "./helpers/expect-registry.ts";
import { jsonImages, statuses } from "./helpers/json-report.ts";
import { startOwnRegistry } from "./helpers/own-registry.ts";
import { LOOPBACK_FLAGS } from "./helpers/tool-flags.ts";

const bed = useBed();
const apim = bed.images.defaults;

const tools = [
  { tool: "docker", flags: [...LOOPBACK_FLAGS.docker, "-j", "1"], ids: apim.dockerIds },
  { tool: "podman", flags: [...LOOPBACK_FLAGS.podman, "-j", "3"], ids: apim.podmanIds },
] as const;

describe.each(tools)("$tool", ({ flags, ids }) => {
  it("stopped mid-run: exit 1, some pushed and some failed; after a restart a re-run pushes the rest", async () => {
    const own = await startOwnRegistry("outage");
    try {
      const { registry } = own;
      const path = uniqueName();
      // No retries of ours: the registry stays down until this run has ended.
      const args = ["-r", `${registry.host}/${path}`, ...flags, "--retries", "0", "--json"];
      const run = startCli(args);
      await waitFor(
        async () =>
          requestsUnder(registry, path).some((r) => r.method === "PUT" && r.path.includes("/manifests/") && r.status === 201),
        {
          what: "the first manifest written",
          intervalMs: 20,
          abort: () => (run.running() ? undefined : `the run ended first:\n${run.output().stderr}`),
        },
      );
      await own.stop();

      const first = await run.result;
      expect(first.code, describeRun(first)).toBe(EXIT.failed);
      const report = jsonImages(first);
      expect(
        report.map((i) => i.image),
        "every image is in the report",
      ).toEqual([...bed.productImages].sort());
      const pushed = report.filter((i) => i.status === "pushed").map((i) => i.image);
      const failed = report.filter((i) => i.status === "failed");
      // Written before the stop: pushed when read back in time, else VERIFY_FAILED (the registry could not confirm it).
      const written = bed.productImages.filter((image) =>
        requestsUnder(registry, `${path}/${image}`).some(
          (r) => r.method === "PUT" && r.path.includes("/manifests/") && r.status === 201,
        ),
      );
      expect(written.length, describeRun(first)).toBeGreaterThan(0);
      for (const image of written) {
        const entry = report.find((i) => i.image === image);
        expect(entry?.status === "pushed" || entry?.error?.code === "VERIFY_FAILED", describeRun(first)).toBe(true);
      }
      expect(failed.length, describeRun(first)).toBeGreaterThan(0);
      expect(pushed.length + failed.length).toBe(bed.productImages.length);
      // Those started after the stop find nothing listening; one cut off mid-upload may read otherwise.
      expect(
        failed.map((i) => i.error?.code),
        describeRun(first),
      ).toContain("REGISTRY_UNREACHABLE");
      for (const image of failed) expect(image.error?.code, image.image).toBeTruthy();

      await own.restart();
      for (const image of written) await expectImage(registry, `${path}/${image}`, apim.tag, ids[image] ?? "");
      const second = await runCli(args);
      expectSuccess(second);
      expect(statuses(jsonImages(second))).toEqual(
        Object.fromEntries(report.map((i) => [i.image, written.includes(i.image) ? "up-to-date" : "pushed"])),
      );
      await expectPushed(registry, path, apim.tag, ids);
    } finally {
      await own.close();
    }
  });
});
