// Run by scripts/build.mjs under the pinned Node (pkg's SEA mode needs
// Node >= 22): pkg's SEA build with a sea-config of our own. pkg's command
// line passes none in its simple SEA mode, and the V8 flags the binary
// starts with (process.execArgv) can only be set there.
// Arguments: PKG_TOOL_DIR ENTRY OUTPUT_PREFIX NODE_VERSION EXEC_ARGV_JSON ARCH...
// (PKG_TOOL_DIR: where scripts/pkg-tool.mjs installed pkg).
import { createRequire } from "node:module";
import { resolve } from "node:path";

const [tool, entry, output, version, execArgv, ...arches] = process.argv.slice(2);
// A path, not a package name: pkg is not among the project's own dependencies.
const { default: sea } = createRequire(import.meta.url)(resolve(tool, "node_modules/@yao-pkg/pkg/lib-es5/sea.js"));
await sea(entry, {
  targets: arches.map((arch) => ({ nodeRange: `node${version}`, platform: "linux", arch, output: resolve(`${output}-${arch}`) })),
  seaConfig: { disableExperimentalSEAWarning: true, useSnapshot: false, useCodeCache: false, execArgv: JSON.parse(execArgv) },
});
