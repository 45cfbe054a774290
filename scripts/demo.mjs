// npm run demo: the product's story in under a minute, in a throwaway
// distribution registry on loopback and a private podman storage, all
// removed at the end:
//   1. the product's sample images (built FROM scratch) pushed, with live progress;
//   2. the same command again: all up-to-date, in a fraction of the time;
//   3. `save` of a bundle, then `--from-archive` into a second repository
//      with a PATH that holds no podman or docker (the air-gapped host);
//   4. what the registry now holds, read from its API;
//   5. `verify` of the air-gapped push against the bundle (read-only), and
//      the pinned references step 2 wrote with --digest-file.
// `npm run demo` installs podman and docker-registry first when they are
// missing (scripts/system-packages.mjs).
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

// The tool's built-in defaults (src/options/product-defaults.ts reads the same file):
// the images it pushes when no -i is given, and where it looks for them.
const { images, sourcePath, sourceTag } = JSON.parse(
  readFileSync(new URL("../src/options/built-in-defaults.json", import.meta.url), "utf8"),
);

const root = mkdtempSync(join(tmpdir(), "push-images-demo-"));
// A private podman storage, so the demo leaves the machine's images alone.
const storageConf = join(root, "storage.conf");
writeFileSync(storageConf, `[storage]\ndriver = "overlay"\ngraphroot = "${root}/storage"\nrunroot = "${root}/run"\n`);
const env = { ...process.env, CONTAINERS_STORAGE_CONF: storageConf };

const port = await freePort();
const registryConfig = join(root, "registry.yml");
writeFileSync(
  registryConfig,
  `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${root}/registry\nhttp:\n  addr: 127.0.0.1:${port}\n`,
);
// distribution reads every REGISTRY_* variable as a config override (a
// user's REGISTRY_AUTH_FILE would stop it): start it without them.
const registryEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("REGISTRY_")));
const registry = spawn("docker-registry", ["serve", registryConfig], { stdio: "ignore", env: registryEnv });
const host = `127.0.0.1:${port}`;

try {
  await waitFor(`http://${host}/v2/`);
  console.log(`Registry running at ${host}; building ${images.length} sample images as ${sourcePath}/<image>:${sourceTag} ...`);
  const context = join(root, "context");
  mkdirSync(context);
  writeFileSync(join(context, "Containerfile"), "FROM scratch\nCOPY payload /payload\n");
  for (const image of images) {
    writeFileSync(join(context, "payload"), randomBytes(4096));
    execFileSync("podman", ["build", "-q", "-t", `${sourcePath}/${image}:${sourceTag}`, context], { env, stdio: "ignore" });
  }

  const push = ["-r", `${host}/demo`, "-c", "podman", "-t"];
  const first = run(`1. Push the ${images.length} images`, push, env);
  const digests = join(root, "apim-images.digests");
  const second = run(
    "2. The same command again: everything is already there (and each image's pinned reference goes to a file)",
    [...push, "--digest-file", digests],
    env,
  );
  console.log(
    `\n   first run ${first.toFixed(1)}s, second run ${second.toFixed(1)}s (${((second / first) * 100).toFixed(0)}% of the first)`,
  );

  const bundle = join(root, "apim-images.tar");
  run("3. Save a bundle for an air-gapped site", ["save", "-o", bundle, "-c", "podman"], env);
  // The air-gapped host: the shells the tool runs commands with, and no container engine.
  const bin = join(root, "air-gapped-bin");
  mkdirSync(bin);
  for (const shell of ["bash", "sh"])
    symlinkSync(execFileSync("sh", ["-c", `command -v ${shell}`], { encoding: "utf8" }).trim(), join(bin, shell));
  const airGapped = ["--from-archive", bundle, "-r", `${host}/air-gapped`, "-t"];
  run("   ... and push it with no podman or docker on PATH", airGapped, { ...env, PATH: bin });

  console.log(`\n4. What the registry now holds (GET http://${host}/v2/_catalog and .../tags/list):`);
  const { repositories } = await getJson(`http://${host}/v2/_catalog`);
  for (const repository of repositories) {
    const { tags } = await getJson(`http://${host}/v2/${repository}/tags/list`);
    console.log(`  ${host}/${repository}:${tags.join(",")}`);
  }

  run("5. Verify, read-only: every manifest and blob there, and the bundle's images", ["verify", ...airGapped], {
    ...env,
    PATH: bin,
  });
  console.log(`\n   The pinned references step 2 wrote (--digest-file), for Helm values:`);
  for (const line of readFileSync(digests, "utf8").trim().split("\n")) console.log(`  ${line}`);
} finally {
  registry.kill();
  try {
    // podman's overlay storage holds files only its own unshare can remove.
    execFileSync("podman", ["system", "reset", "--force"], { env, stdio: "ignore" });
  } catch {
    // Best effort; rmSync below removes what is left.
  }
  rmSync(root, { recursive: true, force: true });
}

/** Runs the freshly built tool under this Node.js, shows the command, returns the seconds it took. */
function run(title, args, runEnv) {
  console.log(`\n${title}\n$ push-images ${args.join(" ")}`);
  const started = performance.now();
  execFileSync(process.execPath, ["build/push-images.mjs", ...args], { env: runEnv, stdio: "inherit" });
  return (performance.now() - started) / 1000;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(url) {
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the demo registry did not answer at ${url}`);
}

async function getJson(url) {
  return (await fetch(url)).json();
}
