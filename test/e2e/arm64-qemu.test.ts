/**
 * The arm64 binary runs (issue 4). This x64 host starts it under
 * qemu-aarch64-static with Debian's arm64 cross libraries as the sysroot
 * (-L): --help, --version, and a --dry-run against a bed registry whose
 * plan is checked and which leaves the registry and local storage as they
 * were, and a push of a multi-platform bundle (issue 21). Without qemu or the sysroot the tests fail, saying what to
 * install; they are never skipped.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { BUILD_DIR, REPO_ROOT } from "../bed/program.ts";
import { findOnPath } from "../bed/tool-path.ts";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { runCli, type CliOptions } from "./helpers/cli.ts";
import { expectSuccess } from "./helpers/expect-cli.ts";
import { expectNoTrace } from "./helpers/expect-registry.ts";
import { jsonImages, statuses } from "./helpers/json-report.ts";
import { ociIndexArchive } from "./helpers/oci-index-archive.ts";
import { RegistryClient } from "./helpers/registry-client.ts";

const bed = useBed();
const { plain } = bed.registries;
const ARM64 = join(BUILD_DIR, "push-images-linux-arm64");
const SYSROOT = "/usr/aarch64-linux-gnu";
const packageVersion = (JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { version: string }).version;

/** How to start the arm64 binary here; throws with the packages to install when that is impossible. */
function underQemu(): CliOptions {
  const qemu = findOnPath("qemu-aarch64-static", process.env.PATH ?? "");
  const missing = [
    ...(qemu ? [] : ["qemu-aarch64-static (qemu-user-static)"]),
    ...(existsSync(join(SYSROOT, "lib", "ld-linux-aarch64.so.1"))
      ? []
      : [`an arm64 sysroot in ${SYSROOT} (libc6-arm64-cross libstdc++6-arm64-cross libgcc-s1-arm64-cross)`]),
  ];
  if (missing.length) throw new Error(`cannot run the arm64 binary: missing ${missing.join(" and ")}; see .ci/run`);
  // Slower than native: a full Node.js start under emulation.
  return { program: ARM64, launcher: [qemu ?? "", "-L", SYSROOT], timeoutMs: 120_000 };
}

/** ELF header: e_machine (offset 18, little-endian) is 183 for AArch64. */
function elfMachine(file: string): number {
  const header = Buffer.alloc(20);
  const fd = openSync(file, "r");
  try {
    readSync(fd, header, 0, 20, 0);
  } finally {
    closeSync(fd);
  }
  return header.toString("latin1", 1, 4) === "ELF" ? header.readUInt16LE(18) : -1;
}

describe("build/push-images-linux-arm64 under qemu-aarch64-static", () => {
  it("is an AArch64 executable", () => {
    expect(elfMachine(ARM64)).toBe(183);
  });

  it("--help prints the same usage as the program under test", async () => {
    const [arm, native] = [await runCli(["--help"], underQemu()), await runCli(["--help"])];
    expectSuccess(arm);
    expect(arm.stdout).toContain("push-images -r <registry>[/<repository path>] [options]");
    expect(arm.stdout).toBe(native.stdout);
  });

  it("--version, and with --verbose the embedded Node.js on linux-arm64", async () => {
    const plainVersion = await runCli(["--version"], underQemu());
    expectSuccess(plainVersion);
    expect(plainVersion.stdout.trim()).toBe(packageVersion);
    const verbose = await runCli(["--version", "--verbose"], underQemu());
    expectSuccess(verbose);
    expect(verbose.stdout).toMatch(/Node\.js v24\.\d+\.\d+ \(embedded\)/);
    expect(verbose.stdout).toContain("linux-arm64");
  });

  it("--dry-run against a bed registry prints the plan and changes nothing", async () => {
    const token = uniqueName();
    const images = ["apim-le-cache", "apim-le-toolkit"];
    const target = (image: string) => `${plain.host}/${token}/${image}:v6.0.0`;
    const r = await runCli(
      ["-r", `${plain.host}/${token}`, "-c", "podman", "-t", "--dry-run", "--json", ...images.flatMap((i) => ["-i", i])],
      underQemu(),
    );
    expectSuccess(r);
    expect(statuses(jsonImages(r))).toEqual(Object.fromEntries(images.map((image) => [image, "planned"])));
    for (const image of images) {
      expect(r.stderr).toContain(`apim/${image}:v6.0.0 -> ${target(image)}`);
      // podman pushes the source straight to docker://target, with no tag.
      expect(r.stderr).toMatch(
        new RegExp(`podman push .*apim/${image}:v6\\.0\\.0 docker://${target(image).replaceAll(".", "\\.")}`),
      );
    }
    await expectNoTrace(token);
  });

  it("--from-archive of a multi-platform bundle pushes both platforms, then the index", async () => {
    const archive = await ociIndexArchive("apim/apim-le-cache:v6.0.0");
    const token = uniqueName();
    const r = await runCli(["--from-archive", archive.file, "-r", `${plain.host}/${token}`, "-t", "--json"], underQemu()).finally(
      () => rmSync(dirname(archive.file), { recursive: true, force: true }),
    );
    expectSuccess(r);
    expect(jsonImages(r)[0]).toMatchObject({
      status: "pushed",
      digest: archive.indexDigest,
      platforms: ["linux/amd64", "linux/arm64"],
    });
    const client = new RegistryClient(plain);
    const index = await client.index(`${token}/apim-le-cache`, "v6.0.0");
    const configs = await Promise.all(
      (index?.manifests ?? []).map((entry) => client.manifest(`${token}/apim-le-cache`, entry.digest)),
    );
    expect(configs.map((manifest) => manifest?.configDigest)).toEqual([archive.ids.amd64, archive.ids.arm64]);
  });
});
