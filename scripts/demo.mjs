// npm run demo: a throwaway distribution registry on loopback and the
// product's seven images built FROM scratch in a private podman storage,
// pushed with the freshly built tool; then the registry's API shows where
// they landed. Everything is removed at the end.
// Needs podman and docker-registry (apt-get install podman docker-registry).
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const IMAGES = ["apim-le-cache", "apim-le-cacheloader-cron", "apim-le-toolkit", "apim-le-cacheloader", "apim-le-trafficmanager", "apim-le-platformapi", "apim-le-configui"];

for (const tool of ["podman", "docker-registry"]) {
  try {
    execFileSync("sh", ["-c", `command -v ${tool}`], { stdio: "ignore" });
  } catch {
    console.error(`The demo needs ${tool}: apt-get install ${tool}`);
    process.exit(1);
  }
}

const root = mkdtempSync(join(tmpdir(), "push-images-demo-"));
// A private podman storage, so the demo leaves the machine's images alone.
const storageConf = join(root, "storage.conf");
writeFileSync(storageConf, `[storage]\ndriver = "overlay"\ngraphroot = "${root}/storage"\nrunroot = "${root}/run"\n`);
const env = { ...process.env, CONTAINERS_STORAGE_CONF: storageConf };

const port = await freePort();
const registryConfig = join(root, "registry.yml");
writeFileSync(registryConfig, `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${root}/registry\nhttp:\n  addr: 127.0.0.1:${port}\n`);
// distribution reads every REGISTRY_* variable as a config override (a
// user's REGISTRY_AUTH_FILE would stop it): start it without them.
const registryEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("REGISTRY_")));
const registry = spawn("docker-registry", ["serve", registryConfig], { stdio: "ignore", env: registryEnv });
const host = `127.0.0.1:${port}`;

try {
  await waitFor(`http://${host}/v2/`);
  console.log(`Registry running at ${host}; building ${IMAGES.length} sample images as apim/<image>:v6.0.0 ...`);
  const context = join(root, "context");
  mkdirSync(context);
  writeFileSync(join(context, "Containerfile"), "FROM scratch\nCOPY payload /payload\n");
  for (const image of IMAGES) {
    writeFileSync(join(context, "payload"), randomBytes(4096));
    execFileSync("podman", ["build", "-q", "-t", `apim/${image}:v6.0.0`, context], { env, stdio: "ignore" });
  }

  const command = ["build/push-images.mjs", "-r", `${host}/demo`, "-c", "podman", "-t"];
  console.log(`\n$ node ${command.join(" ")}`);
  execFileSync(process.execPath, command, { env, stdio: "inherit" });

  console.log(`\nWhat the registry now holds (GET http://${host}/v2/_catalog and .../tags/list):`);
  const { repositories } = await getJson(`http://${host}/v2/_catalog`);
  for (const repository of repositories) {
    const { tags } = await getJson(`http://${host}/v2/${repository}/tags/list`);
    console.log(`  ${host}/${repository}:${tags.join(",")}`);
  }
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
