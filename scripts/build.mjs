// Bundles src/cli.ts into build/push-images.mjs: one file, no node_modules,
// for Node.js >= 20 (and Deno). Build code stays out of src/.
import { build } from "esbuild";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

// zx's ESM build takes a Deno-only branch that breaks when bundled; its
// CommonJS build works everywhere and is what a CommonJS main needs later.
const zxCommonJs = {
  name: "zx-commonjs",
  setup(builder) {
    builder.onResolve({ filter: /^zx(\/core)?$/ }, (args) => ({
      path: require.resolve(args.path).replace(/\.js$/, ".cjs"),
    }));
  },
};

await build({
  entryPoints: ["src/cli.ts"],
  outfile: "build/push-images.mjs",
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  minify: false,
  legalComments: "none",
  define: { PUSH_IMAGES_VERSION: JSON.stringify(version) },
  plugins: [zxCommonJs],
  // Bundled CommonJS code calls require(); give the ESM file one.
  banner: { js: "import { createRequire as __pushImagesRequire } from 'node:module';\nconst require = __pushImagesRequire(import.meta.url);" },
  logLevel: "warning",
});
console.log(`built build/push-images.mjs (version ${version})`);
