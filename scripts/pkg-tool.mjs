// pkg, which builds the standalone binaries, needs Node.js >= 22, more
// than the README asks of a developer's machine. It is therefore not one of
// the project's dependencies (`npm ci` would warn of its engine on Node.js
// 20) but a package of its own, scripts/pkg-tool/, installed from its lock
// into .cache/ by npm running on the Node.js the binaries embed. A second
// build with the same lock reuses it and does no network work.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const SOURCE = new URL("pkg-tool/", import.meta.url);
const FILES = ["package.json", "package-lock.json"];

/** The directory pkg is installed in (its node_modules inside), installing it with `node` when the lock changed. */
export function installPkgTool(node) {
  const stamp = createHash("sha256");
  for (const file of FILES) stamp.update(readFileSync(new URL(file, SOURCE)));
  const digest = stamp.digest("hex");
  const dir = join(process.cwd(), ".cache", "pkg-tool");
  const done = join(dir, "installed");
  if (existsSync(done) && readFileSync(done, "utf8") === digest) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const file of FILES) copyFileSync(new URL(file, SOURCE), join(dir, file));
  console.log("installing pkg (scripts/pkg-tool) from the npm registry");
  execFileSync(node, [npmCli(), "ci", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: dir, stdio: "inherit" });
  writeFileSync(done, digest);
  return dir;
}

/** npm's own entry script, run by `node` instead of the npm on PATH (whose Node.js is the machine's). */
function npmCli() {
  // Set when the build runs under `npm run`; otherwise npm sits beside the Node.js running this.
  if (process.env.npm_execpath?.endsWith(".js")) return process.env.npm_execpath;
  const beside = join(process.execPath, "..", "..", "lib", "node_modules", "npm", "bin", "npm-cli.js");
  if (existsSync(beside)) return beside;
  return createRequire(import.meta.url).resolve("npm/bin/npm-cli.js");
}
