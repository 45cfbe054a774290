// The one list of the Debian packages that `npm run demo`, the build and
// the test bed need, with why each is there; and the check that `npm run
// demo` and `npm test` make first (`node scripts/system-packages.mjs demo|test`).
// Missing packages are installed, announced, when this runs as root (or
// with a password-less sudo) on a machine with apt-get, the way
// `playwright install --with-deps` does; otherwise the one command to run is
// printed and the script exits 1 before anything else happens.
import { execFileSync } from "node:child_process";

/** name, what needs it, and why. `demo` is a subset of `test`. */
export const PACKAGES = [
  { name: "podman", for: ["demo", "test"], why: "the container engine the demo and the e2e tests push from" },
  {
    name: "containernetworking-plugins",
    for: ["demo", "test"],
    why: "named so apt does not pick a network stack for podman by itself",
  },
  { name: "docker-registry", for: ["demo", "test"], why: "distribution 2.8: the throwaway registries pushed to" },
  { name: "docker.io", for: ["test"], why: "dockerd and the docker CLI, the other engine the e2e tests drive" },
  { name: "skopeo", for: ["test"], why: "the bench's engine-less anchor, and its layouts in tests" },
  {
    name: "zstd",
    for: ["test"],
    why: "zstd layers for the tests of --from-archive's zstd check (the tests' Node.js 20 has no zstd)",
  },
  { name: "apache2-utils", for: ["test"], why: "htpasswd, for the registry that demands a login" },
  { name: "openssl", for: ["test"], why: "the self-signed CA and certificates of the TLS registries" },
  { name: "iproute2", for: ["test"], why: "ip netns: a TLS registry off loopback, which docker does not treat as insecure" },
  { name: "ca-certificates", for: ["test"], why: "the system CA bundle the tool reads when it verifies TLS" },
  { name: "uidmap", for: ["test"], why: "newuidmap/newgidmap: rootless podman for the e2e tests run as an ordinary user" },
  { name: "binutils", for: ["test"], why: "strip: the build strips the x64 Node.js base before injecting the program" },
  { name: "binutils-aarch64-linux-gnu", for: ["test"], why: "aarch64-linux-gnu-strip: the same for the arm64 base" },
  { name: "qemu-user-static", for: ["test"], why: "qemu-aarch64-static: the e2e suite runs the arm64 binary" },
  { name: "libc6-arm64-cross", for: ["test"], why: "the arm64 sysroot qemu runs the arm64 binary against" },
  { name: "libstdc++6-arm64-cross", for: ["test"], why: "the arm64 sysroot (C++ runtime)" },
  { name: "libgcc-s1-arm64-cross", for: ["test"], why: "the arm64 sysroot (libgcc)" },
];

const purpose = process.argv[2] ?? "test";
if (!["demo", "test"].includes(purpose)) {
  console.error("usage: node scripts/system-packages.mjs demo|test");
  process.exit(2);
}
const wanted = PACKAGES.filter((pkg) => pkg.for.includes(purpose));
const missing = wanted.filter((pkg) => !installed(pkg.name));
if (missing.length > 0) install(missing);

function installed(name) {
  try {
    return (
      execFileSync("dpkg-query", ["-W", "-f=${db:Status-Status}", name], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      }) === "installed"
    );
  } catch {
    return false;
  }
}

function install(packages) {
  const names = packages.map((pkg) => pkg.name);
  const command = `apt-get install -y --no-install-recommends ${names.join(" ")}`;
  const how = howToInstall();
  if (!how) {
    console.error(
      `npm ${purpose === "demo" ? "run demo" : "test"} needs ${names.length} Debian package${names.length === 1 ? "" : "s"} that ${names.length === 1 ? "is" : "are"} not installed:`,
    );
    for (const pkg of packages) console.error(`  ${pkg.name.padEnd(28)} ${pkg.why}`);
    console.error(`\nInstall them with:\n  sudo apt-get update && sudo ${command}`);
    process.exit(1);
  }
  console.log(
    `Installing ${names.length} Debian package${names.length === 1 ? "" : "s"} that ${purpose === "demo" ? "the demo needs" : "the build and the tests need"}:`,
  );
  for (const pkg of packages) console.log(`  ${pkg.name.padEnd(28)} ${pkg.why}`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  execFileSync(...how(["apt-get", "update", "-q"]), { stdio: ["ignore", "ignore", "inherit"], env });
  execFileSync(...how(["apt-get", "install", "-y", "-q", "--no-install-recommends", ...names]), {
    stdio: ["ignore", "ignore", "inherit"],
    env,
  });
}

/** Runs a command as root: directly as root, through `sudo -n` when that works; undefined when neither can, or there is no apt-get. */
function howToInstall() {
  if (!works("apt-get", ["--version"])) return undefined;
  if (process.getuid?.() === 0) return ([command, ...args]) => [command, args];
  if (works("sudo", ["-n", "true"])) return (args) => ["sudo", ["-n", ...args]];
  return undefined;
}

function works(command, args) {
  try {
    execFileSync(command, args, { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
