/**
 * The operator's install (issue 4): one file in `<extract-location>/scripts`
 * on a host without Node.js. The bed runs every e2e test that way; here:
 * the program is the standalone binary unless PUSH_IMAGES_BIN says
 * otherwise, it reports its version and runtime, and it reads `plugins/`
 * and `product-defaults.json` from beside itself, not from the working
 * directory nor from beside a symlink that starts it.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, symlinkSync } from "node:fs";
import { dirname, extname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { BUILD_DIR, REPO_ROOT, installProgram, programUnderTest } from "../bed/program.ts";
import { findOnPath } from "../bed/tool-path.ts";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { copyProgramTo, runCli } from "./helpers/cli.ts";
import { expectSuccess } from "./helpers/expect-cli.ts";
import { expectPushed, pick } from "./helpers/expect-registry.ts";
import { writeTestFile } from "./helpers/files.ts";
import { testDir } from "./helpers/local-tools.ts";

const bed = useBed();
const { plain } = bed.registries;
const acme = bed.images.alternate;
const packageVersion = (JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { version: string }).version;
// The one place the embedded Node.js is pinned (issue 4); PRODUCT.md asks for the 24 LTS line.
const embeddedNode = (JSON.parse(readFileSync(join(REPO_ROOT, "scripts", "node-runtime.json"), "utf8")) as { version: string })
  .version;

const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

describe("the program the suite runs", () => {
  it("is the build under test, installed as <extract-location>/scripts/push-images, with no node on PATH", () => {
    expect(bed.program).toMatch(/\/scripts\/push-images(\.[cm]?js)?$/);
    expect(sha256(bed.program)).toBe(sha256(programUnderTest()));
    if (!process.env.PUSH_IMAGES_BIN) expect(programUnderTest()).toBe(join(BUILD_DIR, "push-images-linux-x64"));
    expect(findOnPath("node", bed.env.PATH ?? ""), "node on the program's PATH").toBeUndefined();
  });
});

describe("--version", () => {
  it("prints the version of package.json", async () => {
    const r = await runCli(["--version"]);
    expectSuccess(r);
    expect(r.stdout.trim()).toBe(packageVersion);
  });

  it("with --verbose, the x64 binary names its embedded Node.js and linux-x64", async () => {
    expect(embeddedNode).toMatch(/^24\.\d+\.\d+$/);
    const program = installProgram(join(BUILD_DIR, "push-images-linux-x64"), testDir());
    const r = await runCli(["--version", "--verbose"], { program });
    expectSuccess(r);
    expect(r.stdout).toContain(packageVersion);
    expect(r.stdout).toContain(`Node.js v${embeddedNode} (embedded)`);
    expect(r.stdout).toContain("linux-x64");
  });
});

// Beside the program: defaults that pick one image of the other set, and a plugin that suffixes the tag.
const BESIDE_DEFAULTS = { images: ["apim-le-toolkit"], sourcePath: acme.path, sourceTag: acme.tag };
const SUFFIX_PLUGIN = `export default {
  name: 'beside',
  apply(runner) {
    runner.hooks.plan.tap('beside', (jobs) => jobs.map((job) => ({ ...job, target: job.target + '-beside' })));
  },
};
`;
// Elsewhere (working directory, the symlink's directory): files that would change or stop the run if read.
const DECOY_DEFAULTS = { images: ["apim-le-cache"] };
const DECOY_PLUGIN = 'throw new Error("read from the wrong directory");\n';

function installWithDecoys(): { program: string; elsewhere: string } {
  const program = copyProgramTo(join(testDir(), "extract"));
  writeTestFile("product-defaults.json", BESIDE_DEFAULTS, dirname(program));
  mkdirSync(join(dirname(program), "plugins"));
  writeTestFile("suffix.mjs", SUFFIX_PLUGIN, join(dirname(program), "plugins"));
  const elsewhere = testDir();
  writeTestFile("product-defaults.json", DECOY_DEFAULTS, elsewhere);
  mkdirSync(join(elsewhere, "plugins"));
  writeTestFile("decoy.mjs", DECOY_PLUGIN, join(elsewhere, "plugins"));
  return { program, elsewhere };
}

describe("plugins/ and product-defaults.json are read from beside the program", () => {
  it.each([
    ["started through a relative symlink in another directory", "symlink"],
    ["started by its path from another working directory", "path"],
  ] as const)("%s", async (_how, how) => {
    const { program, elsewhere } = installWithDecoys();
    let started = program;
    if (how === "symlink") {
      // A script keeps its extension, which tells its runtime it is ESM.
      started = join(elsewhere, `push-images${extname(program)}`);
      symlinkSync(relative(elsewhere, program), started);
    }
    const path = uniqueName();
    const r = await runCli(["-r", `${plain.host}/${path}`, "-c", "podman", "-t"], {
      program: started,
      cwd: elsewhere,
      env: { PRODUCT_DEFAULTS: undefined },
    });
    expectSuccess(r);
    await expectPushed(plain, path, `${acme.tag}-beside`, pick(acme.podmanIds, BESIDE_DEFAULTS.images));
  });
});
