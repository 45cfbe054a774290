/**
 * Bundle failures that once had the wrong code, the wrong words or the
 * wrong file, each now with a code and a fix that works when typed:
 * a split part cut short in copying was blamed on the part after it (where
 * the tar breaks), a flipped byte on the part where its blob starts (now
 * found as the blob is sent: no manifest); a
 * missing --from-archive file exited 1 (it is invalid input: 2); and
 * Ctrl-C during the bundle's check was reported as "during preflight".
 * Nothing is pushed in any case (the registry's own access log).
 */
import { readdirSync, readFileSync, renameSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { Header } from "tar";
import { beforeAll, describe, expect, it } from "vitest";
import { run } from "../bed/run.ts";
import { manifestPuts, requestsUnder, writes } from "./helpers/access-log.ts";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { runCli, startCli } from "./helpers/cli.ts";
import { enginelessPath } from "./helpers/engineless.ts";
import { describeRun, EXIT, expectError, expectSuccess } from "./helpers/expect-cli.ts";
import { expectInvalid } from "./helpers/expect-invalid.ts";
import { testDir } from "./helpers/local-tools.ts";
import { sharedLayerImages } from "./helpers/shared-layer-images.ts";
import { waitFor } from "../bed/wait.ts";

const bed = useBed();
const { plain } = bed.registries;
const MiB = 1024 * 1024;
/** A saved bundle in four parts of 1 MiB (a 3 MiB base layer of random bytes spans them all). */
let partsDir: string;
let source: { path: string; images: readonly string[] };

beforeAll(async () => {
  const path = uniqueName("parts");
  const made = await sharedLayerImages("podman", path, "v1", 3 * MiB);
  source = { path, images: made.images };
  partsDir = testDir();
  const selection = ["-c", "podman", "-p", path, "-s", "v1", ...made.images.flatMap((image) => ["-i", image])];
  expectSuccess(await runCli(["save", "-o", join(partsDir, "bundle.tar"), "--split", "1M", ...selection]));
});

/** A copy of the split bundle, with or without the parts' .sha256 files. */
async function copyOfParts(withSums: boolean): Promise<string> {
  const dir = join(testDir(), "copy");
  await run("cp", ["-a", partsDir, dir]);
  if (!withSums)
    for (const name of readdirSync(dir).filter((n) => n.endsWith(".sha256"))) renameSync(join(dir, name), join(testDir(), name));
  return join(dir, "bundle.tar");
}

/**
 * Pushes the bundle engine-less; ARCHIVE_INVALID, and no request under the
 * run's path (`asSent`: a damaged layer, found as it is sent: no manifest).
 * Returns the error text.
 */
async function expectRefused(file: string, asSent = false): Promise<string> {
  const path = uniqueName();
  const args = ["--from-archive", file, "-r", `${plain.host}/${path}`, "-t", "-p", source.path, "-s", "v1"];
  const error = expectError(await runCli(args, { env: { PATH: enginelessPath() } }), EXIT.failed, "ARCHIVE_INVALID");
  const requests = requestsUnder(plain, path);
  if (asSent) expect(manifestPuts(requests), "manifests pushed").toEqual([]);
  else expect(requests, "requests the registry was sent").toEqual([]);
  return error;
}

function flipByte(file: string, at: number): void {
  const bytes = readFileSync(file);
  bytes[at] = (bytes[at] as number) ^ 0xff;
  writeFileSync(file, bytes);
}

describe.concurrent("a damaged split bundle names the part to copy again", () => {
  it("a part cut short, no .sha256 files: that part is named (by its size), not the next one", async () => {
    const file = await copyOfParts(false);
    truncateSync(`${file}.001`, MiB - 4096);
    const error = await expectRefused(`${file}.000`);
    expect(error).toContain(`bundle.tar.001 is ${MiB - 4096} bytes, shorter than bundle.tar.000 (${MiB} bytes)`);
    expect(error).toMatch(
      /Fix: copy bundle\.tar\.001 again from the original, then check every part: sha256sum -c bundle\.tar\.\*\.sha256/,
    );
  });

  it("a part cut short, with .sha256 files: that part is named by its .sha256", async () => {
    const file = await copyOfParts(true);
    truncateSync(`${file}.001`, MiB - 4096);
    expect(await expectRefused(`${file}.000`)).toContain(`${file}.001 does not match ${file}.001.sha256`);
  });

  it("a flipped byte in the third part of a blob that starts in the first: named by its .sha256; without, every part the blob spans", async () => {
    const withSums = await copyOfParts(true);
    flipByte(`${withSums}.002`, MiB / 2);
    expect(await expectRefused(`${withSums}.000`, true)).toContain(`${withSums}.002 does not match ${withSums}.002.sha256`);
    const without = await copyOfParts(false);
    flipByte(`${without}.002`, MiB / 2);
    expect(await expectRefused(`${without}.000`, true)).toMatch(
      /damaged blob sha256:\w+, layer 1 .*\(in bundle\.tar\.000 \.\.\. bundle\.tar\.00[23]\)/,
    );
  });
});

describe("--from-archive of a file that is not there", () => {
  it("is invalid input: exit 2, ARCHIVE_NOT_FOUND with the ls that shows what is there, nothing sent", async () => {
    const path = uniqueName();
    const missing = join(testDir(), "apim-imgaes.tar");
    const { error } = await expectInvalid(["--from-archive", missing, "-r", `${plain.host}/${path}`, "-t"], "ARCHIVE_NOT_FOUND");
    expect(error).toContain(`--from-archive ${missing}: there is no such file (nor parts apim-imgaes.tar.000...)`);
    expect(error).toContain(`Fix: check the path and what is there: ls -l ${missing}*`);
    expect(requestsUnder(plain, path)).toEqual([]);
  });
});

describe("Ctrl-C during the bundle's check", () => {
  it("says so, not 'during preflight': exit 130, nothing written to the registry", async () => {
    // The saved bundle joined, a 2 GiB member of zeros appended, gzipped as `docker save | gzip` would be (in
    // gzip members, the zeros compressed once): unpacking it before the check takes seconds.
    const file = join(testDir(), "padded.tar.gz");
    const parts = readdirSync(partsDir)
      .filter((name) => /\.\d{3}$/.test(name))
      .sort();
    const joined = Buffer.concat(parts.map((part) => readFileSync(join(partsDir, part))));
    const piece = 64 * MiB;
    const header = new Header({ path: "padding", mode: 0o644, size: 32 * piece, type: "File", mtime: new Date() });
    header.encode();
    const zeros = gzipSync(Buffer.alloc(piece), { level: 1 });
    const head = gzipSync(Buffer.concat([joined.subarray(0, joined.length - 1024), header.block as Buffer]));
    writeFileSync(file, Buffer.concat([head, ...Array.from({ length: 32 }, () => zeros), gzipSync(Buffer.alloc(1024))]));

    const path = uniqueName();
    const cli = startCli(["--from-archive", file, "-r", `${plain.host}/${path}`, "-t", "-p", source.path, "-s", "v1"], {
      env: { PATH: enginelessPath() },
      ownGroup: true,
    });
    await waitFor(async () => cli.output().stderr.includes(`Checking ${file}`), {
      what: "the bundle's check to start",
      timeoutMs: 30_000,
      intervalMs: 20,
      abort: () => (cli.running() ? undefined : `the run ended first:\n${cli.output().stderr}`),
    });
    cli.killGroup("SIGINT");
    const r = await cli.result;
    expect(r.code, describeRun(r)).toBe(130);
    expect(r.stderr, describeRun(r)).toMatch(/Stopped: interrupted by SIGINT during the bundle's check; nothing was pushed/);
    expect(writes(requestsUnder(plain, path))).toEqual([]);
  });
});
