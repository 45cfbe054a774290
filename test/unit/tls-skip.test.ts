/**
 * -t: podman gets --tls-verify=false on push only; docker has no such flag,
 * so preflight reads `docker info` and refuses a registry the daemon does
 * not treat as insecure, before any image is touched.
 */
import { describe, expect, it } from "vitest";
import { fail, verb } from "./fake-shell.ts";
import { rejectionOf, setUp } from "./harness.ts";

const ONE = { image: ["apim-le-cache"], noTlsVerify: true };

describe("-t with podman", () => {
  it("adds --tls-verify=false right after push, and nowhere else", async () => {
    const { runner, shell } = setUp({ flags: { ...ONE, registry: "reg.example.com/p", containerTool: "podman" } });
    await runner.run();
    expect(shell.calls.filter((c) => c.args.includes("--tls-verify=false")).map((c) => c.args.slice(0, 2))).toEqual([
      ["push", "--tls-verify=false"],
    ]);
    expect(shell.argsOf("info")).toEqual([]);
  });

  it("without -t, no --tls-verify flag at all", async () => {
    const { runner, shell } = setUp({ flags: { registry: "reg.example.com/p", containerTool: "podman" } });
    await runner.run();
    expect(shell.calls.some((c) => c.args.some((a) => a.startsWith("--tls-verify")))).toBe(false);
  });
});

describe("-t with docker", () => {
  it("refuses a registry that is not among the daemon's insecure registries, before anything is tagged", async () => {
    const { runner, shell, preflightRan } = setUp({ flags: { ...ONE, registry: "10.20.30.40:5000/p" } });
    const error = await rejectionOf(runner.run());
    expect(error).toMatchObject({ code: "INSECURE_REGISTRY_NOT_CONFIGURED", exitCode: 1 });
    expect(error.message).toContain("10.20.30.40:5000");
    expect(error.hint).toContain(`add "10.20.30.40:5000" to "insecure-registries" in /etc/docker/daemon.json`);
    expect(error.hint).toContain("/etc/docker/certs.d/10.20.30.40:5000/ca.crt");
    expect(shell.mutatingArgs()).toEqual([]);
    // Before the registry check, whose TLS error would hide the cause.
    expect(preflightRan).toEqual(["container-tool", "source-images", "tls-skip"]);
  });

  it("accepts a loopback registry through docker's default 127.0.0.0/8", async () => {
    const { runner, shell, preflightRan } = setUp({ flags: { ...ONE, registry: "127.0.0.1:5000/p" } });
    const report = await runner.run();
    expect(report.results.map((r) => r.status)).toEqual(["pushed"]);
    expect(shell.argsOf("push")).toEqual([["push", "127.0.0.1:5000/p/apim-le-cache:v6.0.0"]]);
    expect(preflightRan).toEqual(["container-tool", "source-images", "tls-skip", "registry"]);
  });

  it("accepts an address inside a configured CIDR", async () => {
    const { runner } = setUp({
      flags: { ...ONE, registry: "10.20.30.40:5000/p" },
      shell: { registryConfig: { InsecureRegistryCIDRs: ["127.0.0.0/8", "10.20.0.0/16"], IndexConfigs: {} } },
    });
    expect((await runner.run()).results.map((r) => r.status)).toEqual(["pushed"]);
  });

  it("accepts a host named in insecure-registries (IndexConfigs Secure: false)", async () => {
    const { runner } = setUp({
      flags: { ...ONE, registry: "reg.example.com:5000/p" },
      shell: {
        registryConfig: {
          InsecureRegistryCIDRs: ["127.0.0.0/8"],
          IndexConfigs: { "reg.example.com:5000": { Name: "reg.example.com:5000", Secure: false } },
        },
      },
    });
    expect((await runner.run()).results.map((r) => r.status)).toEqual(["pushed"]);
  });

  it("refuses a host the daemon lists as secure, and docker info with nulls", async () => {
    for (const registryConfig of [
      { InsecureRegistryCIDRs: ["127.0.0.0/8"], IndexConfigs: { "10.1.1.1:443": { Name: "10.1.1.1:443", Secure: true } } },
      { InsecureRegistryCIDRs: null, IndexConfigs: null },
    ]) {
      const { runner, shell } = setUp({ flags: { ...ONE, registry: "10.1.1.1:443/p" }, shell: { registryConfig } });
      expect((await rejectionOf(runner.run())).code).toBe("INSECURE_REGISTRY_NOT_CONFIGURED");
      expect(shell.mutatingArgs()).toEqual([]);
    }
  });

  it("a failing docker info is named, not mistaken for an insecure registry", async () => {
    const { runner, shell } = setUp({
      flags: { ...ONE, registry: "127.0.0.1:5000/p" },
      shell: { answers: [{ when: verb("info"), result: fail("error during connect: daemon went away", 1) }] },
    });
    const error = await rejectionOf(runner.run());
    expect(error).toMatchObject({ code: "TOOL_NOT_RESPONDING" });
    expect(error.message).toContain("daemon went away");
    expect(shell.mutatingArgs()).toEqual([]);
  });

  it("adds no TLS flag to any docker command", async () => {
    const { runner, shell } = setUp({ flags: { ...ONE, registry: "127.0.0.1:5000/p" } });
    await runner.run();
    expect(shell.calls.some((c) => c.args.some((a) => a.includes("tls")))).toBe(false);
  });
});
