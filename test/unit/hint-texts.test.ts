/**
 * Each fix a hint names has one source: the TLS and HTTP-only fixes in
 * src/registry/tls-hint.ts, the login fixes in src/registry/login-command.ts.
 * What podman or docker printed (diagnose), preflight's probe, the registry
 * API's answers (status-failure.ts) and the plugins all name the same text.
 */
import { homedir } from "node:os";
import { describe, expect, it } from "vitest";
import { diagnose } from "../../src/engine/diagnose.ts";
import { statusFailure } from "../../src/registry/status-failure.ts";
import { loginCommand, loginRejectedFix, loginRequiredFix } from "../../src/registry/login-command.ts";
import { certsDirectories } from "../../src/registry/trusted-cas.ts";
import { dockerTlsSkipFix, httpOnlyFix, untrustedCertificateFix } from "../../src/registry/tls-hint.ts";

const HOST = "reg.example.com:5000";
const context = (tool: "podman" | "docker") => ({ tool, registryHost: HOST, action: "push of apim-le-cache" });

describe("the HTTP-only fix", () => {
  it("podman: -t; docker: the daemon's insecure-registries", () => {
    expect(httpOnlyFix("podman", HOST)).toBe("add -t to push to it without TLS");
    expect(httpOnlyFix("docker", HOST)).toBe(
      `add "${HOST}" to "insecure-registries" in /etc/docker/daemon.json and restart docker`,
    );
  });

  it.each(["podman", "docker"] as const)("%s: a push that met plain HTTP names the same fix", (tool) => {
    expect(diagnose("http: server gave HTTP response to HTTPS client", context(tool)).hint).toBe(httpOnlyFix(tool, HOST));
  });

  it("docker -t on a registry the daemon verifies: the same insecure-registries step, or the CA in certs.d", () => {
    expect(dockerTlsSkipFix(HOST)).toBe(
      `${httpOnlyFix("docker", HOST)}, or put the registry's CA in /etc/docker/certs.d/${HOST}/ca.crt and drop -t`,
    );
  });
});

describe("the untrusted-certificate fix", () => {
  it.each(["podman", "docker"] as const)("%s: the CA goes in the tool's system-wide certs.d directory", (tool) => {
    const [systemWide, own] = certsDirectories(tool, HOST);
    expect(untrustedCertificateFix(tool, HOST)).toContain(`${systemWide}/ca.crt`);
    expect(own?.startsWith(homedir())).toBe(true);
    expect(diagnose("x509: certificate signed by unknown authority", context(tool)).hint).toBe(
      untrustedCertificateFix(tool, HOST),
    );
  });
});

describe("the login fixes", () => {
  const login = loginCommand("podman", HOST, false, "robot$apim+ci");

  it("name the login preflight names: podman's TLS switch under -t, the user quoted for bash", () => {
    expect(login).toBe(`podman login --tls-verify=false -u 'robot$apim+ci' ${HOST}`);
    expect(loginRequiredFix(login)).toBe(`run '${login}', then run push-images again`);
    expect(loginRejectedFix(login)).toBe(
      `log in again with the current password (or change -u to another user), then run push-images again: ${login}`,
    );
  });

  it("a push refused for its login mid-run names the same command", () => {
    expect(diagnose("unauthorized: authentication required", { ...context("podman"), login }).hint).toBe(loginRequiredFix(login));
    expect(diagnose("Error: invalid username/password", { ...context("podman"), login }).hint).toBe(loginRejectedFix(login));
  });

  it("without one, a bare login for the tool", () => {
    expect(diagnose("unauthorized: authentication required", context("docker")).hint).toBe(
      loginRequiredFix(`docker login ${HOST}`),
    );
  });

  it("a registry API answer of 401 (a bundle push) names the connection's login", () => {
    const error = statusFailure({ status: 401, headers: {}, body: "" }, "putting the manifest of apim/x:v1", login);
    expect(error).toMatchObject({ code: "AUTH_REJECTED", hint: loginRejectedFix(login) });
  });
});
