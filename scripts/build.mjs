// npm run build: build/push-images.mjs (Node.js >= 20, Deno), the standalone
// binaries build/push-images-linux-x64 and -linux-arm64 (pkg SEA mode,
// embedding the Node.js pinned in scripts/node-runtime.json), and
// build/SHA256SUMS. Needs nothing but the npm registry; a second build
// reuses .cache/ and does no network work. `--bundle-only` skips the binaries.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { bundle } from "./bundle.mjs";
import { ARCHES, NODE_VERSION, nodeBase, seedPkgCache } from "./node-bases.mjs";

const require = createRequire(import.meta.url);
const version = await bundle();
console.log(`bundled build/push-images.mjs and build/sea/push-images.cjs (push-images ${version})`);

if (!process.argv.includes("--bundle-only")) {
  const bases = Object.fromEntries(ARCHES.map((arch) => [arch, nodeBase(arch)]));
  const home = seedPkgCache(bases);
  const pkg = require.resolve("@yao-pkg/pkg/lib-es5/bin.js");
  const targets = ARCHES.map((arch) => `node${NODE_VERSION}-linux-${arch}`).join(",");
  // pkg's SEA mode needs Node >= 22 to run: use the x64 base we just verified.
  execFileSync(
    bases.x64.node,
    [pkg, "build/sea/push-images.cjs", "--sea", "--targets", targets, "--output", "build/push-images"],
    {
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, HOME: home },
    },
  );
  for (const arch of ARCHES) renameSync(`build/push-images-${arch}`, `build/push-images-linux-${arch}`);
  const artifacts = [...ARCHES.map((arch) => `push-images-linux-${arch}`), "push-images.mjs"];
  const sums = artifacts
    .map(
      (file) =>
        `${createHash("sha256")
          .update(readFileSync(`build/${file}`))
          .digest("hex")}  ${file}\n`,
    )
    .join("");
  writeFileSync("build/SHA256SUMS", sums);
  console.log(`built ${artifacts.map((a) => `build/${a}`).join(", ")} and build/SHA256SUMS (Node.js ${NODE_VERSION})`);
} else if (existsSync("build/SHA256SUMS")) {
  // The sums no longer describe what is in build/.
  rmSync("build/SHA256SUMS");
}
