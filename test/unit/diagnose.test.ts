/**
 * What podman or docker printed becomes one coded error with a fix; a
 * failed push fails its image only (after the default 3 retries when the
 * failure is transient), and the others still run.
 */
import { describe, expect, it } from "vitest";
import { diagnose, isTransient } from "../../src/engine/diagnose.ts";
import { fail, pushOf } from "./fake-shell.ts";
import { DIGEST_FILE, expectedSteps, setUp, stepsByTarget, untagCalls } from "./harness.ts";

const OUTPUTS: ReadonlyArray<readonly [string, string, boolean]> = [
  ["x509: certificate signed by unknown authority", "TLS_UNTRUSTED", false],
  [
    // The seed's troubleshooting case, verbatim.
    'Error: trying to reuse blob sha256:7a6477860277b792c1f80e6c1c390114d9591719c715a2a657ff7c2d9880fb1c at destination: pinging container registry na2devmashbr01.dev.tibco.com: Get "https://na2devmashbr01.dev.tibco.com/v2/": tls: failed to verify certificate: x509: certificate signed by unknown authority',
    "TLS_UNTRUSTED",
    false,
  ],
  ["unauthorized: authentication required", "AUTH_REQUIRED", false],
  ["denied: requested access to the resource is denied", "ACCESS_DENIED", false],
  ["toomanyrequests: too many requests, please slow down", "RATE_LIMITED", true],
  [
    "Error: writing blob: initiating layer upload: received unexpected HTTP status: 503 Service Unavailable",
    "REGISTRY_ERROR",
    true,
  ],
  ['Get "https://127.0.0.1:5000/v2/": dial tcp 127.0.0.1:5000: connect: connection refused', "REGISTRY_UNREACHABLE", true],
  [
    // podman 4.3 when the connection is cut while a layer uploads.
    'Error: writing blob: Patch "http://127.0.0.1:39035/v2/p/apim-le-toolkit/blobs/uploads/30c2ad78?_state=x": write tcp 127.0.0.1:50370->127.0.0.1:39035: use of closed network connection',
    "CONNECTION_LOST",
    true,
  ],
  [
    'Error: writing blob: Put "https://reg.example.com/v2/p/blobs/uploads/1?digest=sha256:ab": write tcp 10.0.0.2:4242->10.0.0.9:443: write: broken pipe',
    "CONNECTION_LOST",
    true,
  ],
  [
    'Error: reading blob sha256:ab: Get "https://reg.example.com/v2/p/blobs/sha256:ab": read tcp 10.0.0.2:4242->10.0.0.9:443: read: connection reset by peer',
    "CONNECTION_LOST",
    true,
  ],
  ["Error: writing blob: storing blob to file: write /var/tmp/storage123: no space left on device", "DISK_FULL", false],
  [
    "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?",
    "DAEMON_NOT_RUNNING",
    false,
  ],
  [
    'permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Post "http://%2Fvar%2Frun%2Fdocker.sock/v1.47/images/push": dial unix /var/run/docker.sock: connect: permission denied',
    "DOCKER_SOCKET_PERMISSION",
    false,
  ],
  ["Error: apim/apim-le-platformapi:v6.0.0: image not known", "SOURCE_IMAGE_MISSING", false],
  [
    'Error: Invalid image name "na2devmashbr01.dev.tibco.com/experimental//apim-le-platformapi:vtest600", unknown transport "mycompany.dev.harbor.com//apim-le-platformapi"',
    "NAME_INVALID",
    false,
  ],
  ['Invalid image name "x//y", unknown transport', "NAME_INVALID", false],
];

describe("a failing push in a run of three images", () => {
  it.each(OUTPUTS)("%s -> %s", async (stderr, code, transient) => {
    const failing = "reg.example.com/p/apim-le-toolkit:v6.0.0";
    const { runner, shell } = setUp({
      flags: {
        registry: "reg.example.com/p",
        containerTool: "podman",
        image: ["apim-le-cache", "apim-le-toolkit", "apim-le-configui"],
      },
      shell: { answers: [{ when: pushOf(failing), result: fail(stderr) }] },
    });
    const failedHook: string[] = [];
    runner.hooks.failed.tap("test", (job, error) => void failedHook.push(`${job.image} ${error.code}`));
    const report = await runner.run();

    expect(report.results.map((r) => [r.job.image, r.status, r.error?.code])).toEqual([
      ["apim-le-cache", "pushed", undefined],
      ["apim-le-toolkit", "failed", code],
      ["apim-le-configui", "pushed", undefined],
    ]);
    const error = report.results[1]?.error;
    expect(error?.exitCode).toBe(1);
    expect(error?.hint).not.toBe("");
    expect(error?.detail).toContain(stderr);
    expect(failedHook).toEqual([`apim-le-toolkit ${code}`]);
    // Transient failures are pushed 1 + 3 times; podman pushes the source itself, so there is no tag to remove.
    const push = ["push", "--digestfile", DIGEST_FILE, "apim/apim-le-toolkit:v6.0.0", `docker://${failing}`];
    expect(stepsByTarget(shell)).toEqual({
      "reg.example.com/p/apim-le-cache:v6.0.0": expectedSteps(
        "podman",
        "apim/apim-le-cache:v6.0.0",
        "reg.example.com/p/apim-le-cache:v6.0.0",
      ),
      [failing]: Array(transient ? 4 : 1).fill(push),
      "reg.example.com/p/apim-le-configui:v6.0.0": expectedSteps(
        "podman",
        "apim/apim-le-configui:v6.0.0",
        "reg.example.com/p/apim-le-configui:v6.0.0",
      ),
    });
    expect(untagCalls(shell)).toEqual([]);
  });
});

describe("diagnose", () => {
  const context = { tool: "podman", registryHost: "reg.example.com:5000", action: "push of apim-le-cache" } as const;

  it.each(OUTPUTS)("%s -> %s (transient: %s)", (output, code, transient) => {
    const error = diagnose(output, context);
    expect(error.code).toBe(code);
    expect(isTransient(error)).toBe(transient);
  });

  it("offers --ca-file first, then certs.d, then -t (podman) or insecure-registries (docker)", () => {
    const x509 = "x509: certificate signed by unknown authority";
    expect(diagnose(x509, context).hint).toMatch(
      /^add --ca-file <the registry's CA, PEM>, or put that CA in \/etc\/containers\/.*, or add -t/,
    );
    const docker = diagnose(x509, { ...context, tool: "docker" }).hint;
    expect(docker).toMatch(/^add --ca-file .* or add "reg.example.com:5000" to "insecure-registries"/);
    expect(diagnose(x509, context).hint).toContain("/etc/containers/certs.d/reg.example.com:5000/ca.crt");
    expect(diagnose(x509, { ...context, tool: "docker" }).hint).toContain("/etc/docker/certs.d/reg.example.com:5000/ca.crt");
    expect(diagnose(x509, { ...context, tool: "docker" }).hint).not.toContain("-t");
    const httpOnly = "http: server gave HTTP response to HTTPS client";
    expect(diagnose(httpOnly, context)).toMatchObject({ code: "REGISTRY_HTTP_ONLY", hint: "add -t to push to it without TLS" });
    expect(diagnose(httpOnly, { ...context, tool: "docker" }).hint).toContain('"reg.example.com:5000" to "insecure-registries"');
  });

  it("names the login command for the tool and registry", () => {
    expect(diagnose("unauthorized: authentication required", { ...context, tool: "docker" }).hint).toBe(
      "run 'docker login reg.example.com:5000', then run push-images again",
    );
  });

  // Once "free space (for example 'podman system prune')": that deletes images and containers, and named no place.
  it("a full disk: names the file system written to, and how to see its space", () => {
    const save = { ...context, registryHost: "", action: "podman save" };
    expect(diagnose("Error: writing blob: write /srv/out/.a.tar.partial-42: no space left on device", save)).toMatchObject({
      code: "DISK_FULL",
      message: "no space left on the device holding /srv/out (writing /srv/out/.a.tar.partial-42)",
      hint: "free space on it (df -h /srv/out shows how much is left), then run the same command again",
    });
    const unknown = diagnose("blob upload unknown: no space left on device", context);
    expect(unknown).toMatchObject({
      code: "DISK_FULL",
      hint: "free space (df -h shows each file system), then run the same command again",
    });
    for (const error of [unknown, diagnose("write /var/tmp/x: no space left on device", { ...context, tool: "docker" })])
      expect(error.hint).not.toContain("prune");
  });

  it("a full TMPDIR: named as TMPDIR, with df -h of TMPDIR itself, not of the run's directory (gone by then)", () => {
    const output =
      "Error: copying layer: write /mnt/small/push-images-Ab12Cd/container_images_storage9/3: no space left on device";
    const error = diagnose(output, context);
    expect(error.code).toBe("DISK_FULL");
    expect(error.message).toMatch(/^no space left in TMPDIR \(\/mnt\/small\), where the container tool copies images/);
    expect(error.hint).toMatch(/^free space there \(df -h \/mnt\/small shows how much is left\), or export TMPDIR=/);
    expect(error.hint).not.toContain("push-images-Ab12Cd");
  });

  it("the detail of a failed command: masked command, exit code and the last lines of stderr", () => {
    const stderr = "Copying blob abc\nError: writing blob: 503 Service Unavailable\n";
    const command = { command: "podman", args: ["push", "--creds", "ci:hunter2", "a", "docker://reg/a"], exitCode: 125, stderr };
    expect(diagnose(stderr, { ...context, command }).detail).toBe(
      "$ podman push --creds ci:**** a docker://reg/a\nexit code 125\nCopying blob abc\nError: writing blob: 503 Service Unavailable",
    );
  });

  it("falls back to PUSH_FAILED with the last line of the output", () => {
    const error = diagnose("Copying blob abc\nError: something nobody foresaw\n", context);
    expect(error).toMatchObject({
      code: "PUSH_FAILED",
      message: "push of apim-le-cache failed: something nobody foresaw",
      exitCode: 1,
    });
  });
});

describe("a broken docker credential helper (once read as a missing repository)", () => {
  // docker asks the credsStore helper before every push, for any registry;
  // with "credsStore": "desktop" copied from Docker Desktop and no helper
  // installed, every push fails like this. The generic /not found/ pattern
  // must not turn it into REPOSITORY_NOT_FOUND ("create the repository"),
  // which would send the user the wrong way; the fix is in ~/.docker/config.json.
  it("is not REPOSITORY_NOT_FOUND and names the credential helper", () => {
    const output =
      'error getting credentials - err: exec: "docker-credential-desktop": executable file not found in $PATH, out: ``';
    const error = diagnose(output, { tool: "docker", registryHost: "reg.example.com", action: "push of apim-le-cache" });
    expect(error.code).not.toBe("REPOSITORY_NOT_FOUND");
    expect(`${error.message} ${error.hint}`).toMatch(/credential/i);
  });
});
