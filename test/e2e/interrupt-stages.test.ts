/**
 * Ctrl-C (SIGINT) and SIGTERM at each stage of a run, with each tool, sent
 * to the whole process group as a terminal sends them: the real podman or
 * docker CLI gets the signal too (podman then exits 0, which proves nothing).
 * A stand-in proxy in front of the plain registry holds one kind of request
 * so the run is caught at a known stage; a stand-in `save` does the same
 * for `save` (save-stream.test.ts: Ctrl-C with the bundle half written). Every case: exit 130, a `Stopped:` line
 * naming the signal and the stage, the --json report so far, no image
 * reported pushed that the registry lacks, no temporary tag left, and
 * nothing left in the run's temporary directory (TMPDIR).
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { waitFor } from "../bed/wait.ts";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { startCli, type CliResult, type RunningCli } from "./helpers/cli.ts";
import { describeRun } from "./helpers/expect-cli.ts";
import { localRefs, testDir, type Tool } from "./helpers/local-tools.ts";
import { RegistryClient } from "./helpers/registry-client.ts";
import { isBlobUpload, isManifestPut, startStandInProxy, type ProxyRule, type StandInProxy } from "./helpers/stand-in-proxy.ts";
import { slowSave } from "./helpers/archive-slow-save.ts";
import { LOOPBACK_FLAGS } from "./helpers/tool-flags.ts";

const bed = useBed();
const { plain } = bed.registries;
const IMAGES = ["apim-le-cache", "apim-le-toolkit"];
const SIGNALS = ["SIGINT", "SIGTERM"] as const;
const TOOLS = ["podman", "docker"] as const;

const isManifestGet = (req: { method: string; path: string }) => req.method === "GET" && /\/manifests\//.test(req.path);

/** What the proxy holds to catch a push at each stage, and the stage the `Stopped:` line must name. */
const PUSH_STAGES: ReadonlyArray<{ stage: string; during: string; hold: ProxyRule }> = [
  { stage: "preflight", during: "preflight", hold: (req) => (req.method === "GET" && req.path === "/v2/" ? "hold" : undefined) },
  { stage: "push", during: "pushing", hold: (req) => (isBlobUpload(req) ? "hold" : undefined) },
  // The read-back: a manifest GET after a manifest PUT (the look-ahead's GETs come before any PUT).
  {
    stage: "verify",
    during: "pushing",
    hold: (req, earlier) => (isManifestGet(req) && earlier.some(isManifestPut) ? "hold" : undefined),
  },
];

const proxies: StandInProxy[] = [];
afterEach(async () => {
  await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
});

interface Report {
  images: Array<{ image: string; target: string; status: string; error: { code: string } | null }>;
  interrupted: { signal: string; during: string } | null;
}

function report(r: CliResult): Report {
  try {
    return JSON.parse(r.stdout) as Report;
  } catch {
    throw new Error(`stdout is not one JSON document\n${describeRun(r)}`);
  }
}

/** Waits for the stage to be reached, then signals the program's process group and waits for it to end. */
async function interruptWhen(run: RunningCli, reached: () => boolean, signal: NodeJS.Signals, what: string): Promise<CliResult> {
  await waitFor(async () => reached(), {
    what,
    timeoutMs: 60_000,
    intervalMs: 20,
    abort: () => (run.running() ? undefined : `the run ended first:\n${run.output().stderr}`),
  });
  run.killGroup(signal);
  return run.result;
}

function expectStopped(r: CliResult, signal: string, during: string, tmp: string): void {
  expect(r.code, describeRun(r)).toBe(130);
  expect(r.stderr, describeRun(r)).toMatch(new RegExp(`^.*Stopped: interrupted by ${signal} during ${during}`, "m"));
  expect(readdirSync(tmp), `files left in TMPDIR ${tmp}`).toEqual([]);
}

describe.each(TOOLS)("-c %s", (tool) => {
  describe.each(PUSH_STAGES)("during $stage", ({ during, hold }) => {
    it.each(SIGNALS)("%s: exit 130, nothing reported pushed that the registry lacks, no tag or file left", async (signal) => {
      const proxy = await startStandInProxy(plain, hold);
      proxies.push(proxy);
      const path = uniqueName();
      const tmp = testDir();
      const images = IMAGES.flatMap((image) => ["-i", image]);
      const run = startCli(["-r", `${proxy.registry.host}/${path}`, ...LOOPBACK_FLAGS[tool], ...images, "--json"], {
        env: { TMPDIR: tmp },
        ownGroup: true,
      });
      const r = await interruptWhen(
        run,
        () => proxy.requests().some((req) => req.answeredByProxy),
        signal,
        `the proxy to hold a request of the ${during} stage`,
      );

      const { images: entries, interrupted } = report(r);
      const client = new RegistryClient(plain);
      for (const entry of entries.filter((e) => e.status === "pushed" || e.status === "up-to-date")) {
        expect(
          await client.manifest(`${path}/${entry.image}`, "v6.0.0"),
          `${entry.target} is reported ${entry.status}\n${describeRun(r)}`,
        ).toBeDefined();
      }
      for (const entry of entries.filter((e) => e.status === "failed"))
        expect(entry.error?.code, entry.image).toBe("INTERRUPTED");
      expect(
        (await localRefs(tool)).filter((ref) => ref.includes(path)),
        "temporary tags left",
      ).toEqual([]);
      expectStopped(r, signal, during, tmp);
      expect(interrupted, describeRun(r)).toEqual({ signal, during });
    });
  });

  describe("save", () => {
    it.each(SIGNALS)("%s while the tool saves: exit 130, no archive, nothing left", async (signal) => {
      const dir = testDir();
      const tmp = testDir();
      const stand = slowSave(tool);
      const run = startCli(["save", "-o", join(dir, "images.tar"), "-c", tool, "-i", IMAGES[0] as string], {
        env: { PATH: stand.path, TMPDIR: tmp },
        ownGroup: true,
      });
      let sleeping = false;
      void stand.sleeping().then(() => (sleeping = true));
      const r = await interruptWhen(run, () => sleeping, signal, `the ${tool} save to be under way`);
      expectStopped(r, signal, "saving", tmp);
      expect(readdirSync(dir), "files left beside the archive").toEqual([]);
    });
  });
});
