// npm run bench: the bench is TypeScript (bench/*.ts) and Node 20 cannot
// run .ts, so esbuild bundles it into a temporary .mjs that this process
// imports (and deletes at once: loaded is enough). Not part of npm test.
import { build } from "esbuild";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const dir = mkdtempSync(join(tmpdir(), "pib-bench-bundle-"));
let main;
try {
  const outfile = join(dir, "bench.mjs");
  await build({
    entryPoints: [join(root, "bench", "main.ts")],
    outfile,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    logLevel: "warning",
  });
  ({ main } = await import(pathToFileURL(outfile).href));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exitCode = await main(process.argv.slice(2), root);
