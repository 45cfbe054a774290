/**
 * A registry that demands a login: without one the run stops in preflight
 * and says which login command to run; after that login it pushes. Each
 * test has its own login files so parallel tests cannot see its login.
 */
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { runCli } from "./helpers/cli.ts";
import { EXIT, expectError, expectSuccess } from "./helpers/expect-cli.ts";
import { expectNoTrace, expectPushed, pick } from "./helpers/expect-registry.ts";
import { isolatedLogins, tool } from "./helpers/local-tools.ts";

const bed = useBed();
const { auth } = bed.registries;
const { username, password } = auth.credentials ?? { username: "", password: "" };
const apim = bed.images.defaults;
const two = ["apim-le-trafficmanager", "apim-le-platformapi"];

describe("podman", () => {
  it("without a login: AUTH_REQUIRED, and the fix is podman login", async () => {
    const logins = isolatedLogins();
    const token = uniqueName();
    const r = await runCli(["-r", `${auth.host}/${token}`, "-c", "podman", "-t"], { env: logins });
    const error = expectError(r, EXIT.failed, "AUTH_REQUIRED");
    expect(error).toContain("podman login");
    await expectNoTrace(token);
  });

  it("after podman login it pushes", async () => {
    const logins = isolatedLogins();
    await tool("podman", ["login", "--tls-verify=false", "-u", username, "-p", password, auth.host], logins);
    const path = uniqueName();
    expectSuccess(await runCli(["-r", `${auth.host}/${path}`, "-c", "podman", "-t"], { env: logins }));
    await expectPushed(auth, path, apim.tag, apim.podmanIds);
  });

  it("with a stored login the registry rejects: AUTH_REJECTED", async () => {
    const logins = isolatedLogins();
    const wrong = Buffer.from(`${username}:not-the-password`).toString("base64");
    writeFileSync(logins.REGISTRY_AUTH_FILE, JSON.stringify({ auths: { [auth.host]: { auth: wrong } } }));
    const token = uniqueName();
    const r = await runCli(["-r", `${auth.host}/${token}`, "-c", "podman", "-t", "-i", "apim-le-cache"], { env: logins });
    expectError(r, EXIT.failed, "AUTH_REJECTED");
    await expectNoTrace(token);
  });
});

describe("docker", () => {
  it("without a login: AUTH_REQUIRED, and the fix is docker login", async () => {
    const logins = isolatedLogins();
    const token = uniqueName();
    const r = await runCli(["-r", `${auth.host}/${token}`, "-c", "docker"], { env: logins });
    const error = expectError(r, EXIT.failed, "AUTH_REQUIRED");
    expect(error).toContain("docker login");
    await expectNoTrace(token);
  });

  it("after docker login it pushes", async () => {
    const logins = isolatedLogins();
    await tool("docker", ["login", "-u", username, "-p", password, auth.host], logins);
    const path = uniqueName();
    expectSuccess(
      await runCli(["-r", `${auth.host}/${path}`, "-c", "docker", ...two.flatMap((i) => ["-i", i])], { env: logins }),
    );
    await expectPushed(auth, path, apim.tag, pick(apim.dockerIds, two));
  });
});
