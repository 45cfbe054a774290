// npm run build: build/push-images.mjs (Node.js >= 20, Deno), the standalone
// binaries build/push-images-linux-x64 and -linux-arm64 (pkg SEA mode,
// embedding the Node.js pinned in scripts/node-runtime.json), and
// build/SHA256SUMS. Needs nothing but the npm registry; a second build
// reuses .cache/ and does no network work. `--bundle-only` skips the binaries.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { bundle } from "./bundle.mjs";
import { ARCHES, NODE_VERSION, nodeBase, seedPkgCache } from "./node-bases.mjs";
import { installPkgTool } from "./pkg-tool.mjs";

// V8's flags for the binary, measured on --from-archive of a 1 GB random
// bundle (issue 23): V8 frees the buffers zlib hands out per chunk only
// when it collects, and a small young generation and old-space limit make
// it collect often (peak RSS 178 -> 123 MB, save 151 -> 112 MB);
// --expose-gc lets src/core/young-garbage.ts ask for more (about 14 MB less).
// --liftoff-only: undici's HTTP parser is WebAssembly, and V8 optimised it
// again with TurboFan on a background thread whose ~10 MB of scratch memory
// glibc kept in that thread's arena (98 -> 89 MB); parsing a registry's
// short answers does not need the faster code. --no-opt --no-maglev: the
// tool's JavaScript only steers native work (reads, hashing, zlib, sockets)
// in chunks of 256 KiB and more, and the optimising compilers' code and
// scratch memory cost 12 MB of RSS (89 -> 77 MB) for no measurable time.
const V8_FLAGS = [
  "--max-semi-space-size=1",
  "--max-old-space-size=64",
  "--expose-gc",
  "--liftoff-only",
  "--no-opt",
  "--no-maglev",
];
const version = await bundle();
console.log(`bundled build/push-images.mjs and build/sea/push-images.cjs (push-images ${version})`);

if (!process.argv.includes("--bundle-only")) {
  const bases = Object.fromEntries(ARCHES.map((arch) => [arch, nodeBase(arch)]));
  const home = seedPkgCache(bases);
  const pkgTool = installPkgTool(bases.x64.node);
  execFileSync(
    bases.x64.node,
    [
      "scripts/pkg-sea.mjs",
      pkgTool,
      "build/sea/push-images.cjs",
      "build/push-images",
      NODE_VERSION,
      JSON.stringify(V8_FLAGS),
      ...ARCHES,
    ],
    {
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, HOME: home },
    },
  );
  for (const arch of ARCHES) {
    rewriteInSmallWrites(`build/push-images-${arch}`, `build/push-images-linux-${arch}`);
    rmSync(`build/push-images-${arch}`);
  }
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

// pkg writes each binary with one write of the whole file, and Linux keeps
// such a file in the page cache as large folios; a process that runs it
// then maps a whole folio for each page it touches, so the binary's RSS
// depends on how its file was written: 69 MB for `--version` run from
// build/, 49 MB once copied (cp writes in small pieces), or read back cold
// as a downloaded binary is (issue 23). Written again in 64 KiB pieces, the
// binary in build/ is measured (bench, tests) as an operator's copy runs.
function rewriteInSmallWrites(from, to) {
  const bytes = readFileSync(from);
  rmSync(to, { force: true });
  const fd = openSync(to, "w", 0o755);
  try {
    for (let at = 0; at < bytes.length; at += 64 * 1024) writeSync(fd, bytes, at, Math.min(64 * 1024, bytes.length - at));
  } finally {
    closeSync(fd);
  }
}
