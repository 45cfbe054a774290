// Run by scripts/build.mjs under the pinned Node (pkg's SEA mode needs
// Node >= 22): pkg's SEA build with a sea-config of our own. pkg's command
// line passes none in its simple SEA mode, and the V8 flags the binary
// starts with (process.execArgv) can only be set there.
// Arguments: ENTRY OUTPUT_PREFIX NODE_VERSION EXEC_ARGV_JSON ARCH...
import { createRequire } from "node:module";
import { resolve } from "node:path";

const require = createRequire(import.meta.url);
const { default: sea } = require("@yao-pkg/pkg/lib-es5/sea.js");
const [entry, output, version, execArgv, ...arches] = process.argv.slice(2);
await sea(entry, {
  targets: arches.map((arch) => ({ nodeRange: `node${version}`, platform: "linux", arch, output: resolve(`${output}-${arch}`) })),
  seaConfig: { disableExperimentalSEAWarning: true, useSnapshot: false, useCodeCache: false, execArgv: JSON.parse(execArgv) },
});
