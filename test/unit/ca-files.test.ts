/**
 * --ca-file: each file is read and checked before anything is touched
 * (CA_FILE_INVALID, exit 2, naming the file and what is wrong); podman gets
 * `--cert-dir` with a directory holding the CAs and a copy of podman's own
 * certs.d directory for the registry, removed when the run ends; docker's
 * preflight stops unless dockerd has the CAs or does not verify the registry.
 */
import { X509Certificate } from "node:crypto";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readCaFiles } from "../../src/options/ca-files.ts";
import { parseCommandLine } from "../../src/cli/flags.ts";
import { BUILT_IN_DEFAULTS } from "../../src/options/product-defaults.ts";
import { resolveOptions } from "../../src/options/options.ts";
import { installCommands, missingFromDockerCertsDir, remoteDockerHost } from "../../src/registry/docker-certs.ts";
import { rawFlags, rejectionOf, setUp, thrownBy } from "./harness.ts";
import { makeTestCa } from "./test-ca.ts";

let dir: string;
const file = (name: string) => join(dir, name);
const fingerprint = (pemFile: string) => new X509Certificate(readFileSync(pemFile)).fingerprint256;

let ca: string;
let other: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "push-images-unit-ca-"));
  ca = makeTestCa(dir, "ca");
  other = makeTestCa(dir, "other");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HOST = "reg.example.com";
function written(name: string, content: string): string {
  writeFileSync(file(name), content);
  return file(name);
}
const read = (files: string[]) => readCaFiles(files, HOST);

describe("reading --ca-file", () => {
  it("keeps the certificates of a PEM file, and nothing else it holds", () => {
    const bundle = file("bundle.pem");
    const text = (name: string) => readFileSync(name, "utf8");
    writeFileSync(bundle, `subject=CN = ca\n${text(ca)}${text(file("ca.key"))}\n${text(other)}`);
    const [read1] = read([bundle]);
    expect(read1?.file).toBe(bundle);
    expect(read1?.fingerprints).toEqual([fingerprint(ca), fingerprint(other)]);
    expect(read1?.pem.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    expect(read1?.pem).not.toContain("PRIVATE KEY");
    expect(read1?.pem).not.toContain("subject=");
  });

  it("is repeatable on the command line, in the order given", () => {
    const parsed = parseCommandLine(["-r", "x.io/p", "--ca-file", "a.pem", "--ca-file=b.pem"], BUILT_IN_DEFAULTS);
    expect(parsed.flags).toMatchObject({ caFile: ["a.pem", "b.pem"] });
    const options = resolveOptions(rawFlags({ registry: "x.io/p", caFile: [ca, other] }), BUILT_IN_DEFAULTS);
    expect(options.caFiles.map((c) => c.file)).toEqual([ca, other]);
  });

  it.each<[string, () => string, RegExp, RegExp]>([
    ["missing", () => file("nope.pem"), /nope\.pem does not exist$/, /path of the registry's CA certificate/],
    ["empty name", () => "", /needs a file name, but it is empty/, /--ca-file \.\/registry-ca\.crt/],
    [
      "a directory",
      () => {
        mkdirSync(file("certs"), { recursive: true });
        writeFileSync(file("certs/registry.crt"), readFileSync(ca));
        return file("certs");
      },
      /certs is a directory, not a certificate file \(its CA certificates: registry\.crt\)/,
      /--ca-file \S+\/certs\/registry\.crt$/,
    ],
    [
      "a directory whose first file is a server's certificate, not a CA",
      () => {
        mkdirSync(file("mixed"), { recursive: true });
        execFileSync(
          "openssl",
          ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"].concat(
            [
              "-keyout",
              file("mixed/a-server.key"),
              "-out",
              file("mixed/a-server.crt"),
              "-days",
              "1",
              "-subj",
              "/CN=reg.example.com",
            ],
            ["-addext", "basicConstraints=critical,CA:FALSE"],
          ),
          { stdio: "ignore" },
        );
        writeFileSync(file("mixed/z-ca.pem"), readFileSync(ca));
        return file("mixed");
      },
      /mixed is a directory, not a certificate file \(its CA certificates: z-ca\.pem; a-server\.crt are not CAs\)/,
      /^name the CA file itself: --ca-file \S+\/mixed\/z-ca\.pem$/,
    ],
    [
      "a directory with no CA certificate",
      () => {
        mkdirSync(file("keys"), { recursive: true });
        writeFileSync(file("keys/notes.pem"), "ask IT\n");
        return file("keys");
      },
      /keys is a directory, not a certificate file: notes\.pem hold no CA certificate/,
      /openssl s_client -showcerts -connect reg\.example\.com:443/,
    ],
    [
      "empty",
      () => written("empty.pem", ""),
      /empty\.pem is empty/,
      /openssl s_client -showcerts -connect reg\.example\.com:443/,
    ],
    [
      "DER",
      () => {
        execFileSync("openssl", ["x509", "-in", ca, "-outform", "der", "-out", file("ca.der")]);
        return file("ca.der");
      },
      /ca\.der holds a DER \(binary\) certificate; --ca-file takes PEM/,
      /openssl x509 -inform der -in \S+ca\.der -out \S+ca\.der\.pem/,
    ],
    ["a key only", () => file("ca.key"), /ca\.key holds a PRIVATE KEY, not a certificate/, /PEM form/],
    ["text", () => written("notes.txt", "the CA is on the wiki\n"), /holds no PEM certificate/, /PEM form/],
    [
      "a damaged certificate",
      () => {
        const pem = readFileSync(ca, "utf8");
        writeFileSync(file("cut.pem"), `${pem.slice(0, 120)}\n-----END CERTIFICATE-----\n`);
        return file("cut.pem");
      },
      /the certificate in \S+cut\.pem does not parse \(/,
      /damaged or cut short/,
    ],
    [
      "a damaged second certificate",
      () => {
        writeFileSync(
          file("two.pem"),
          `${readFileSync(ca, "utf8")}-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n`,
        );
        return file("two.pem");
      },
      /certificate 2 of 2 in \S+two\.pem does not parse/,
      /damaged/,
    ],
  ])("%s: CA_FILE_INVALID naming the file, exit 2", (_case, make, message, hint) => {
    const error = thrownBy(() => read([make()]));
    expect(error).toMatchObject({ code: "CA_FILE_INVALID", exitCode: 2 });
    expect(error.message).toMatch(message);
    expect(error.hint).toMatch(hint);
  });

  it("a good file first does not hide a bad one after it", () => {
    expect(thrownBy(() => read([ca, file("nope.pem")])).message).toContain("nope.pem");
  });

  it("with -t: refused as a contradiction (-t verifies nothing), before the file is read", () => {
    const flags = rawFlags({ registry: "x.io/p", noTlsVerify: true, caFile: [file("nope.pem")] });
    const error = thrownBy(() => resolveOptions(flags, BUILT_IN_DEFAULTS));
    expect(error).toMatchObject({ code: "USAGE", exitCode: 2 });
    expect(error.message).toMatch(/^-t and --ca-file contradict each other/);
    expect(error.hint).toBe("drop -t to verify x.io with the CA file, or drop --ca-file to push without verification");
  });
});

describe("podman: --cert-dir", () => {
  const isolatedHome = () => mkdtempSync(join(dir, "home-"));
  /** One image with podman, --ca-file `caFiles`, HOME an empty directory unless given. */
  const podman = (caFile: string[], more: { dryRun?: boolean; home?: string; localImages?: string[] } = {}) =>
    setUp({
      flags: { registry: `${HOST}/p`, containerTool: "podman", image: ["apim-le-cache"], caFile, dryRun: more.dryRun === true },
      env: { HOME: more.home ?? isolatedHome() },
      ...(more.localImages ? { shell: { localImages: more.localImages } } : {}),
    });

  it("goes right after push; the directory holds the CA and is removed when the run ends", async () => {
    const { runner, shell, logged } = podman([ca]);
    let seen: Record<string, string> = {};
    runner.hooks.pushArgs.tap({ name: "look", stage: 10 }, (args) => {
      const certDir = args[args.indexOf("--cert-dir") + 1] ?? "";
      seen = Object.fromEntries(readdirSync(certDir).map((name) => [name, readFileSync(join(certDir, name), "utf8")]));
      return args;
    });
    expect((await runner.run()).results.map((r) => r.status)).toEqual(["pushed"]);
    const [push] = shell.argsOf("push");
    expect(push?.slice(0, 2)).toEqual(["push", "--cert-dir"]);
    expect(push?.slice(3, 4)).toEqual(["--digestfile"]);
    const certDir = push?.[2] ?? "";
    expect(certDir).toMatch(new RegExp(`^${tmpdir()}/cert-dir-`));
    expect(seen).toEqual({ "push-images-ca-file-1.crt": new X509Certificate(readFileSync(ca)).toString() });
    expect(existsSync(certDir), "removed by the run's cleanup").toBe(false);
    expect(logged.join("")).toContain(`podman pushes with --cert-dir ${certDir}: the CAs of ${ca}`);
  });

  it("copies what podman's certs.d holds for the registry (--cert-dir replaces it): CAs, client certificate and key", async () => {
    const home = isolatedHome();
    const certsD = join(home, ".config/containers/certs.d", HOST);
    mkdirSync(certsD, { recursive: true });
    writeFileSync(join(certsD, "ca.crt"), readFileSync(other));
    writeFileSync(join(certsD, "client.cert"), "client certificate");
    writeFileSync(join(certsD, "client.key"), "client key", { mode: 0o600 });
    writeFileSync(join(certsD, "README"), "not read by podman");
    const { runner, shell } = podman([ca, other], { home });
    let listing: Array<[string, string, number]> = [];
    runner.hooks.pushArgs.tap({ name: "look", stage: 10 }, (args) => {
      const certDir = args[args.indexOf("--cert-dir") + 1] ?? "";
      const entry = (name: string): [string, string, number] => {
        const path = join(certDir, name);
        return [name, readFileSync(path, "utf8"), statSync(path).mode & 0o777];
      };
      listing = readdirSync(certDir).sort().map(entry);
      return args;
    });
    await runner.run();
    expect(shell.argsOf("push")).toHaveLength(1);
    expect(listing).toEqual([
      ["ca.crt", readFileSync(other, "utf8"), 0o644],
      ["client.cert", "client certificate", 0o644],
      ["client.key", "client key", 0o600],
      ["push-images-ca-file-1.crt", new X509Certificate(readFileSync(ca)).toString(), 0o644],
      ["push-images-ca-file-2.crt", new X509Certificate(readFileSync(other)).toString(), 0o644],
    ]);
  });

  it("-n shows it in the push command and says what it holds; nothing is pushed", async () => {
    const { runner, shell, logged } = podman([ca], { dryRun: true });
    await runner.run();
    const text = logged.join("");
    const certDir = /podman pushes with --cert-dir (\S+):/.exec(text)?.[1] ?? "(none)";
    expect(text).toContain(`    $ podman push --cert-dir ${certDir} --digestfile`);
    expect(shell.mutatingArgs()).toEqual([]);
    expect(existsSync(certDir)).toBe(false);
  });

  it("after a failed preflight the directory is gone too", async () => {
    const { runner, shell } = podman([ca], { localImages: [] });
    const before = new Set(readdirSync(tmpdir()).filter((name) => name.startsWith("cert-dir-")));
    expect((await rejectionOf(runner.run())).code).toBe("SOURCE_IMAGE_MISSING");
    expect(readdirSync(tmpdir()).filter((name) => name.startsWith("cert-dir-") && !before.has(name))).toEqual([]);
    expect(shell.mutatingArgs()).toEqual([]);
  });
});

describe("docker: the daemon's certs.d", () => {
  const ONE = { image: ["apim-le-cache"], containerTool: "docker" };

  it("a registry dockerd verifies, CA not installed: DOCKER_CA_NOT_INSTALLED with the commands, before anything is tagged", async () => {
    const { runner, shell, preflightRan } = setUp({ flags: { ...ONE, registry: "10.20.30.40:5000/p", caFile: [ca] } });
    const error = await rejectionOf(runner.run());
    expect(error).toMatchObject({ code: "DOCKER_CA_NOT_INSTALLED", exitCode: 1 });
    const certsD = "/etc/docker/certs.d/10.20.30.40:5000";
    expect(error.message).toBe(
      `docker takes no CA file per push: dockerd trusts 10.20.30.40:5000 only with its CA in ${certsD}/, and the CA of ${ca} is not there`,
    );
    expect(error.hint).toBe(
      `sudo mkdir -p ${certsD} && sudo cp ${ca} ${certsD}/ca.crt (dockerd reads it at each push; no restart). ` +
        "With a remote daemon (DOCKER_HOST, docker context), put the file there on the daemon's host",
    );
    expect(shell.mutatingArgs()).toEqual([]);
    expect(preflightRan).toEqual(["container-tool", "source-images", "ca-files"]);
  });

  it("a registry dockerd does not verify (127.0.0.0/8): pushed, no TLS option anywhere", async () => {
    const { runner, shell } = setUp({ flags: { ...ONE, registry: "127.0.0.1:5000/p", caFile: [ca] } });
    expect((await runner.run()).results.map((r) => r.status)).toEqual(["pushed"]);
    expect(shell.argsOf("push")).toEqual([["push", "127.0.0.1:5000/p/apim-le-cache:v6.0.0"]]);
  });

  it("a daemon on another machine (DOCKER_HOST=tcp://...) cannot be checked: a warning says what it needs, the push goes on", async () => {
    const env = { DOCKER_HOST: "tcp://build-host.example.com:2376" };
    const { runner, logged } = setUp({ flags: { ...ONE, registry: "10.20.30.40:5000/p", caFile: [ca] }, env });
    expect((await runner.run()).results.map((r) => r.status)).toEqual(["pushed"]);
    expect(logged.join("")).toContain("Warning: dockerd runs on build-host.example.com (DOCKER_HOST)");
    expect(logged.join("")).toContain(
      `on build-host.example.com: sudo mkdir -p /etc/docker/certs.d/10.20.30.40:5000 && sudo cp ${ca}`,
    );
  });

  it("finds a CA installed under any name, and names only the missing files; new names replace no CA there", () => {
    const root = mkdtempSync(join(dir, "docker-certs-"));
    const hostDir = join(root, "reg.example.com:443");
    mkdirSync(hostDir);
    const [mine, theirs] = read([ca, other]);
    if (!mine || !theirs) throw new Error("two CA files expected");
    expect(missingFromDockerCertsDir([mine, theirs], "reg.example.com:443", root)).toEqual([mine, theirs]);
    writeFileSync(join(hostDir, "ca.crt"), `${readFileSync(theirs.file, "utf8")}`);
    writeFileSync(join(hostDir, "company-root.crt"), `# from IT\n${readFileSync(mine.file, "utf8")}`);
    expect(missingFromDockerCertsDir([mine, theirs], "reg.example.com:443", root)).toEqual([]);
    rmSync(join(hostDir, "company-root.crt"));
    expect(missingFromDockerCertsDir([mine, theirs], "reg.example.com:443", root)).toEqual([mine]);
    const commands = installCommands([mine], "reg.example.com:443", root);
    expect(commands).toBe(`sudo mkdir -p ${hostDir} && sudo cp ${mine.file} ${hostDir}/ca-2.crt`);
  });

  it.each([
    [undefined, undefined],
    ["unix:///var/run/docker.sock", undefined],
    ["tcp://127.0.0.1:2375", undefined],
    ["tcp://localhost:2375", undefined],
    ["tcp://[::1]:2375", undefined],
    ["tcp://10.0.0.5:2376", "10.0.0.5"],
    ["ssh://ops@build-host", "build-host"],
  ])("DOCKER_HOST=%s: remote daemon %s", (value, remote) => {
    expect(remoteDockerHost(value === undefined ? {} : { DOCKER_HOST: value })).toBe(remote);
  });
});
