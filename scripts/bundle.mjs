// Bundles src/cli/cli.ts twice with esbuild: build/push-images.mjs for Node.js
// >= 20 and Deno, and build/sea/push-images.cjs, the CommonJS main that pkg
// turns into the standalone binaries. No node_modules are needed at run time.
import { build } from "esbuild";
import { readFileSync } from "node:fs";
import { builtinModules, createRequire } from "node:module";
import { basename, dirname, relative, resolve } from "node:path";

const require = createRequire(import.meta.url);
const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

// zx's ESM build takes a Deno-only branch that breaks when bundled; its
// CommonJS build works everywhere, and a SEA main must be CommonJS anyway.
const zxCommonJs = {
  name: "zx-commonjs",
  setup(builder) {
    builder.onResolve({ filter: /^zx(\/core)?$/ }, (args) => ({ path: require.resolve(args.path).replace(/\.js$/, ".cjs") }));
  },
};

// In an ES module, esbuild keeps `import ... from "node:http"` at the top,
// so every builtin the tool might use is loaded before `--help` prints.
// Routing them through require() (the banner gives the file one) lets the
// bundle load each only when the code that needs it first runs.
const lazyBuiltins = {
  name: "lazy-builtins",
  setup(builder) {
    const names = new Set(builtinModules);
    builder.onResolve({ filter: /^[a-z_/:]+$/ }, (args) => {
      if (!args.path.startsWith("node:") && !names.has(args.path)) return undefined;
      // The require() inside the stand-in module is the real one.
      if (args.namespace === "lazy-builtin") return { path: args.path, external: true };
      return { path: args.path, namespace: "lazy-builtin" };
    });
    builder.onLoad({ filter: /.*/, namespace: "lazy-builtin" }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: "js",
    }));
  },
};

// cleye imports terminal-columns at its top, and terminal-columns' own top
// builds an Intl.Segmenter and Unicode-property regexes: 94 M instructions
// (callgrind), about as many as the rest of the start-up beyond
// `node -e 0`, for cleye's help layout, which push-images does not use
// (src/cli/help-layout.ts). The bundle gets a stand-in whose functions load the
// real module on first call. The stand-in is named by its path from the
// project root, so no build machine's path ends up in the bundle.
const deferredModules = { "terminal-columns": ["terminalColumns", "breakpoints"] };
const deferModules = {
  name: "defer-modules",
  setup(builder) {
    const filter = new RegExp(`^(${Object.keys(deferredModules).join("|")})$`);
    builder.onResolve({ filter }, async (args) => {
      if (args.pluginData?.real) return undefined;
      const real = await builder.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: { real: true },
      });
      if (real.errors.length > 0) return { errors: real.errors };
      return { path: relative(process.cwd(), real.path), namespace: "deferred", pluginData: { name: args.path } };
    });
    builder.onLoad({ filter: /.*/, namespace: "deferred" }, (args) => ({
      contents: deferredModules[args.pluginData.name]
        .map(
          (name) =>
            `export function ${name}(...args) { return require(${JSON.stringify(`./${basename(args.path)}`)}).${name}(...args); }`,
        )
        .join("\n"),
      loader: "js",
      resolveDir: dirname(resolve(args.path)),
    }));
  },
};

const common = {
  entryPoints: ["src/cli/cli.ts"],
  bundle: true,
  platform: "node",
  target: "node20",
  legalComments: "none",
  define: { PUSH_IMAGES_VERSION: JSON.stringify(version) },
  plugins: [zxCommonJs, deferModules],
  logLevel: "warning",
};

export async function bundle() {
  await Promise.all([
    build({
      ...common,
      outfile: "build/push-images.mjs",
      format: "esm",
      plugins: [zxCommonJs, deferModules, lazyBuiltins],
      // Bundled CommonJS code calls require(); give the ESM file one.
      banner: {
        js: "#!/usr/bin/env node\nimport { createRequire as __pushImagesRequire } from 'node:module';\nconst require = __pushImagesRequire(import.meta.url);",
      },
    }),
    build({ ...common, outfile: "build/sea/push-images.cjs", format: "cjs" }),
  ]);
  return version;
}
