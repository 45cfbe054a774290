/**
 * --ca-file against the bed's self-signed TLS registries, without -t: podman
 * (root and rootless) gets --cert-dir with a directory of the run's own that
 * is gone afterwards, also after Ctrl-C; an engine-less bundle push trusts the
 * file in its own requests; docker is told what dockerd needs, and pushes
 * once the CA is in /etc/docker/certs.d (of a registry only this file uses).
 * Bad files are invalid input. Nothing here writes to a certs.d directory
 * other tests read: they expect TLS_UNTRUSTED for the bed's registries.
 */
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCa } from "../bed/certs.ts";
import { run } from "../bed/run.ts";
import { waitFor } from "../bed/wait.ts";
import { writes, requestsUnder } from "./helpers/access-log.ts";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { runCli, startCli, type CliResult } from "./helpers/cli.ts";
import { enginelessPath } from "./helpers/engineless.ts";
import { describeRun, EXIT, expectError, expectSuccess } from "./helpers/expect-cli.ts";
import { expectInvalid } from "./helpers/expect-invalid.ts";
import { expectNoTrace, expectPushed, pick } from "./helpers/expect-registry.ts";
import { testDir } from "./helpers/local-tools.ts";
import { buildOperatorImages, operator } from "./helpers/operator.ts";
import { startOwnTlsRegistry } from "./helpers/own-tls-registry.ts";
import { RegistryClient } from "./helpers/registry-client.ts";

const bed = useBed();
const { tls, remoteTls } = bed.registries;
const apim = bed.images.defaults;
const image = "apim-le-cacheloader";
const one = ["-i", image];
/** A podman push of the one image to `registry/path`, then `extra`. */
function podman(registry: { host: string }, path: string, ...extra: string[]): string[] {
  return ["-r", `${registry.host}/${path}`, "-c", "podman", ...one, ...extra];
}
const oneImage = (ids: Record<string, string>) => pick(ids, [image]);
let unrelatedCa: string;
let bundle: string;

/** The --cert-dir podman was given, as -v or -n shows it; the test fails when there was none. */
function certDirOf(r: CliResult): string {
  const dir = /podman pushes with --cert-dir (\S+):/.exec(r.stderr)?.[1];
  expect(dir, `no --cert-dir line\n${describeRun(r)}`).toBeDefined();
  expect(r.stderr).toContain(`$ podman push --cert-dir ${dir} `);
  return dir ?? "";
}

/** Gone, and so is the run's temporary directory around it. */
function expectRemoved(certDir: string): void {
  expect(existsSync(certDir), `${certDir} left behind`).toBe(false);
  expect(existsSync(dirname(certDir)), `${dirname(certDir)} left behind`).toBe(false);
}

beforeAll(async () => {
  unrelatedCa = (await createCa(testDir())).certFile;
  bundle = join(testDir(), "one.tar");
  expectSuccess(await runCli(["save", "-o", bundle, "-c", "podman", ...one]));
}, 60_000);

describe("podman, without -t", () => {
  it.each([
    ["loopback", tls],
    ["non-loopback", remoteTls],
  ] as const)("%s TLS registry: pushed, --cert-dir gone", async (_, registry) => {
    const path = uniqueName();
    const r = await runCli(podman(registry, path, "--ca-file", bed.caFile, "-v"));
    expectSuccess(r);
    await expectPushed(registry, path, apim.tag, oneImage(apim.podmanIds));
    expectRemoved(certDirOf(r));
  });

  it("two --ca-file, an unrelated CA first: pushes", async () => {
    const path = uniqueName();
    expectSuccess(await runCli(podman(tls, path, "--ca-file", unrelatedCa, "--ca-file", bed.caFile)));
    await expectPushed(tls, path, apim.tag, oneImage(apim.podmanIds));
  });

  it("without --ca-file: TLS_UNTRUSTED, and the fix offers --ca-file first", async () => {
    const token = uniqueName();
    const error = expectError(await runCli(podman(tls, token)), EXIT.failed, "TLS_UNTRUSTED");
    expect(error).toMatch(
      /Fix: add --ca-file <the registry's CA, PEM>, or put that CA in \/etc\/containers\/certs.d\/.*, or add -t/,
    );
    await expectNoTrace(token);
  });

  it("only an unrelated CA: TLS_UNTRUSTED saying that file did not sign the certificate", async () => {
    const token = uniqueName();
    const error = expectError(await runCli(podman(tls, token, "--ca-file", unrelatedCa)), EXIT.failed, "TLS_UNTRUSTED");
    expect(error).toContain(
      `Fix: ${unrelatedCa} did not sign the certificate ${tls.host} sends: 'openssl s_client -showcerts -connect `,
    );
    await expectNoTrace(token);
  });

  it("-n shows --cert-dir in the push command; nothing is pushed, and the directory is gone", async () => {
    const token = uniqueName();
    const r = await runCli(podman(tls, token, "--ca-file", bed.caFile, "-n"));
    expectSuccess(r);
    expectRemoved(certDirOf(r));
    await expectNoTrace(token);
  });

  it("what podman's certs.d holds for the registry (CA, client certificate and key) still counts: --cert-dir replaces it", async () => {
    // A HOME of the test's own: ~/.config/containers/certs.d is the first place podman looks, and no other test sees it.
    const home = testDir();
    const certsD = join(home, ".config/containers/certs.d", tls.host);
    mkdirSync(certsD, { recursive: true });
    copyFileSync(bed.caFile, join(certsD, "ca.crt"));
    const client = await createCa(testDir());
    copyFileSync(client.certFile, join(certsD, "client.cert"));
    copyFileSync(client.keyFile, join(certsD, "client.key"));
    const path = uniqueName();
    // The --ca-file CA did not sign the registry's certificate: only the copy of certs.d can make this work.
    const r = await runCli(podman(tls, path, "--ca-file", unrelatedCa, "-v"), { env: { HOME: home } });
    expectSuccess(r);
    expect(r.stderr).toContain(`and what ${certsD} holds (ca.crt, client.cert, client.key), which --cert-dir replaces`);
    await expectPushed(tls, path, apim.tag, oneImage(apim.podmanIds));
  });
});

describe("a bundle pushed with no podman or docker on PATH", () => {
  it("--ca-file (after an unrelated one): pushed through the registry API without -t", async () => {
    const path = uniqueName();
    const args = [
      "--from-archive",
      bundle,
      "-r",
      `${tls.host}/${path}`,
      ...one,
      "--ca-file",
      unrelatedCa,
      "--ca-file",
      bed.caFile,
    ];
    expectSuccess(await runCli(args, { env: { PATH: enginelessPath() } }));
    await expectPushed(tls, path, apim.tag, oneImage(apim.podmanIds));
  });

  it("without --ca-file: TLS_UNTRUSTED, and the fix offers --ca-file first", async () => {
    const token = uniqueName();
    const r = await runCli(["--from-archive", bundle, "-r", `${remoteTls.host}/${token}`, ...one], {
      env: { PATH: enginelessPath() },
    });
    expect(expectError(r, EXIT.failed, "TLS_UNTRUSTED")).toMatch(/Fix: add --ca-file <the registry's CA, PEM>/);
    await expectNoTrace(token);
  });
});

describe("docker", () => {
  it("a registry dockerd verifies, CA not in /etc/docker/certs.d: DOCKER_CA_NOT_INSTALLED with the commands; nothing pushed", async () => {
    const token = uniqueName();
    const r = await runCli(["-r", `${remoteTls.host}/${token}`, "-c", "docker", ...one, "--ca-file", bed.caFile]);
    const error = expectError(r, EXIT.failed, "DOCKER_CA_NOT_INSTALLED");
    const dir = `/etc/docker/certs.d/${remoteTls.host}`;
    expect(error).toContain(
      `Fix: sudo mkdir -p ${dir} && sudo cp ${bed.caFile} ${dir}/ca.crt (dockerd reads it at each push; no restart)`,
    );
    expect(error).toContain("With a remote daemon (DOCKER_HOST, docker context), put the file there on the daemon's host");
    expect(writes(requestsUnder(remoteTls, token))).toEqual([]);
    await expectNoTrace(token);
  });

  it("a registry in the daemon's insecure-registries: --ca-file is not needed there, and the push goes on", async () => {
    const path = uniqueName();
    expectSuccess(await runCli(["-r", `${tls.host}/${path}`, "-c", "docker", ...one, "--ca-file", bed.caFile]));
    await expectPushed(tls, path, apim.tag, oneImage(apim.dockerIds));
  });

  it("the commands of the fix, run as printed (sudo aside), let the same command push", async () => {
    const own = await startOwnTlsRegistry("docker-ca");
    const certsD = `/etc/docker/certs.d/${own.registry.host}`;
    try {
      const path = uniqueName();
      const args = ["-r", `${own.registry.host}/${path}`, "-c", "docker", ...one, "--ca-file", own.caFile];
      const refused = expectError(await runCli(args), EXIT.failed, "DOCKER_CA_NOT_INSTALLED");
      const commands = /Fix: (.*) \(dockerd reads it/.exec(refused)?.[1] ?? "";
      expect(commands).toBe(`sudo mkdir -p ${certsD} && sudo cp ${own.caFile} ${certsD}/ca.crt`);
      // This machine has no sudo, and the tests run as root.
      await run("sh", ["-c", commands.replaceAll("sudo ", "")]);

      expectSuccess(await runCli(args));
      await expectPushed(own.registry, path, apim.tag, oneImage(apim.dockerIds));
    } finally {
      rmSync(certsD, { recursive: true, force: true });
      await own.close();
    }
  });
});

describe("files that are not a CA certificate: exit 2, nothing touched", () => {
  it.each<[string, () => string, RegExp]>([
    ["missing", () => join(testDir(), "nope.crt"), /nope\.crt does not exist/],
    ["a directory", () => dirname(bed.caFile), /is a directory, not a certificate file \(its CA certificates: ca\.crt;/],
    [
      "not PEM",
      () => {
        const file = join(testDir(), "notes.txt");
        writeFileSync(file, "ask IT for the CA\n");
        return file;
      },
      /notes\.txt holds no PEM certificate/,
    ],
    [
      "DER",
      () => {
        const file = join(testDir(), "ca.der");
        const base64 = /-----BEGIN CERTIFICATE-----([^-]+)-----END/.exec(readFileSync(bed.caFile, "utf8"))?.[1] ?? "";
        writeFileSync(file, Buffer.from(base64, "base64"));
        return file;
      },
      /ca\.der holds a DER \(binary\) certificate; --ca-file takes PEM/,
    ],
    [
      "damaged",
      () => {
        const file = join(testDir(), "cut.crt");
        writeFileSync(file, `${readFileSync(bed.caFile, "utf8").slice(0, 150)}\n-----END CERTIFICATE-----\n`);
        return file;
      },
      /the certificate in \S+cut\.crt does not parse/,
    ],
  ])("%s: CA_FILE_INVALID", async (_case, make, message) => {
    const token = uniqueName();
    const { error } = await expectInvalid(podman(tls, token, "--ca-file", make()), "CA_FILE_INVALID", token);
    expect(error).toMatch(message);
  });

  it("with -t: refused, -t verifies nothing", async () => {
    const token = uniqueName();
    const { error } = await expectInvalid(podman(tls, token, "-t", "--ca-file", bed.caFile), "USAGE", token);
    expect(error).toContain("-t and --ca-file contradict each other");
  });
});

describe("the non-root operator, rootless podman", () => {
  const op = operator();
  let ids: Record<string, string> = {};
  const sourcePath = uniqueName("caop");

  beforeAll(async () => {
    ids = await buildOperatorImages([image], sourcePath, "v1");
  }, 60_000);

  it("pushes with --ca-file; the run's directory (under /var/tmp, as su - leaves TMPDIR unset) is gone after", async () => {
    const path = uniqueName();
    const r = await runCli(podman(tls, path, "-p", sourcePath, "-s", "v1", "--ca-file", bed.caFile, "-v"), { as: op });
    expectSuccess(r);
    await expectPushed(tls, path, "v1", ids);
    const certDir = certDirOf(r);
    expect(certDir).toMatch(/^\/var\/tmp\/push-images-[^/]+\/cert-dir-/);
    expectRemoved(certDir);
  });

  it("a client key in podman's certs.d this user may not read: CERTS_DIR_UNREADABLE (podman could not read it either)", async () => {
    // A registry of the test's own: podman reads certs.d even with -t, so the bed's registries' directories stay untouched.
    const own = await startOwnTlsRegistry("unreadable-key");
    const certsD = join(op.home, ".config/containers/certs.d", own.registry.host);
    // The directories are the operator's, as its own would be; the key is root's alone.
    const created = mkdirSync(certsD, { recursive: true }) ?? certsD;
    for (let dir = certsD; dir.startsWith(created); dir = dirname(dir)) chownSync(dir, op.uid, op.gid);
    try {
      writeFileSync(join(certsD, "client.cert"), "certificate");
      writeFileSync(join(certsD, "client.key"), "key", { mode: 0o600 });
      const caFile = join(created, "handed-over.pem");
      copyFileSync(own.caFile, caFile);
      const token = uniqueName();
      const r = await runCli(podman(own.registry, token, "-p", sourcePath, "-s", "v1", "--ca-file", caFile), { as: op });
      const error = expectError(r, EXIT.failed, "CERTS_DIR_UNREADABLE");
      expect(error).toContain(`${join(certsD, "client.key")} cannot be read by this user (EACCES)`);
      expect(await new RegistryClient(own.registry).catalog()).toEqual([]);
    } finally {
      rmSync(created, { recursive: true, force: true });
      await own.close();
    }
  });

  it("a CA file this user may not read: CA_FILE_INVALID, exit 2", async () => {
    const file = join(testDir(), "root-only.crt");
    copyFileSync(bed.caFile, file);
    chmodSync(file, 0o600);
    const r = await runCli(podman(tls, uniqueName(), "-p", sourcePath, "-s", "v1", "--ca-file", file), { as: op });
    expect(expectError(r, EXIT.invalid, "CA_FILE_INVALID")).toContain(`${file} cannot be read by this user (permission denied)`);
  });
});

describe("Ctrl-C", () => {
  let server: Server;
  const held = new Set<Socket>();
  beforeAll(async () => {
    // A registry that accepts connections and never answers: the run waits in preflight until it is interrupted.
    server = createServer((socket) => void held.add(socket));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  });
  afterAll(async () => {
    for (const socket of held) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it("the directory is removed after an interrupt too", async () => {
    const { port } = server.address() as { port: number };
    const args = podman({ host: `127.0.0.1:${port}` }, uniqueName(), "--ca-file", bed.caFile, "--registry-type", "generic", "-v");
    const running = startCli(args, { ownGroup: true });
    const written = async () => running.output().stderr.includes("podman pushes with --cert-dir");
    await waitFor(written, { what: "the --cert-dir line", timeoutMs: 20_000, intervalMs: 20 });
    const certDir = /podman pushes with --cert-dir (\S+):/.exec(running.output().stderr)?.[1] ?? "";
    expect(existsSync(certDir), "written before the push").toBe(true);
    running.killGroup("SIGINT");
    const r = await running.result;
    expect(r.code, describeRun(r)).toBe(130);
    expectRemoved(certDir);
  });
});
