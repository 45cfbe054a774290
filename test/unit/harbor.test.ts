/**
 * plugins/harbor.ts: -r must start with a project named by Harbor's rule;
 * preflight asks Harbor's project API whether it exists, with the stored
 * credentials, and --create-project creates a missing one (not in a dry run).
 *
 * The Harbor here is a stand-in: tiny-registry.ts on 127.0.0.1 plus a route
 * answering Harbor's documented project API (HEAD /api/v2.0/projects?
 * project_name=X: 200 or 404; POST /api/v2.0/projects: 201), because no
 * Harbor can run in these tests (no network, no containers).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { HarborPlugin } from "../../plugins/harbor.ts";
import { parseRegistryUri } from "../../src/options/registry-uri.ts";
import { expectedRun, rejectionOf, setUp, thrownBy } from "./harness.ts";
import { startTinyRegistry, type Reply, type StoredRequest, type TinyRegistry } from "./tiny-registry.ts";

const USER = { name: "robot$pusher", password: "Harbor12345" };
const BASIC = `Basic ${Buffer.from(`${USER.name}:${USER.password}`).toString("base64")}`;

let harbor: TinyRegistry | undefined;
const scratch: string[] = [];
afterEach(async () => {
  await harbor?.close();
  harbor = undefined;
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A Harbor stand-in holding `projects`; `answer` may override a project API call. */
async function startHarbor(
  projects: string[],
  answer: (request: StoredRequest) => Reply | undefined = () => undefined,
): Promise<TinyRegistry> {
  const known = new Set(projects);
  const registry = await startTinyRegistry({ user: USER });
  registry.store.route((request) => {
    const url = new URL(request.path, "http://harbor");
    if (url.pathname !== "/api/v2.0/projects") return undefined;
    const override = answer(request);
    if (override) return override;
    if (request.method === "HEAD") return { status: known.has(url.searchParams.get("project_name") ?? "") ? 200 : 404 };
    if (request.method === "POST") {
      known.add((JSON.parse(request.body) as { project_name: string }).project_name);
      return { status: 201 };
    }
    return { status: 405 };
  });
  return registry;
}

/** Credentials where the tool keeps them: podman's REGISTRY_AUTH_FILE, docker's DOCKER_CONFIG. */
function loggedIn(tool: "podman" | "docker", host: string): NodeJS.ProcessEnv {
  const home = mkdtempSync(join(tmpdir(), "push-images-harbor-"));
  scratch.push(home);
  const auth = JSON.stringify({ auths: { [host]: { auth: Buffer.from(`${USER.name}:${USER.password}`).toString("base64") } } });
  mkdirSync(join(home, "docker"));
  const file = tool === "podman" ? join(home, "auth.json") : join(home, "docker", "config.json");
  writeFileSync(file, auth);
  return {
    HOME: home,
    XDG_RUNTIME_DIR: join(home, "run"),
    DOCKER_CONFIG: join(home, "docker"),
    ...(tool === "podman" ? { REGISTRY_AUTH_FILE: file } : {}),
  };
}

function run(registry: TinyRegistry, tool: "podman" | "docker", flags: { createProject?: boolean; dryRun?: boolean } = {}) {
  return setUp({
    flags: {
      registry: `${registry.host}/apim`,
      containerTool: tool,
      image: ["apim-le-cache"],
      noTlsVerify: tool === "podman",
      ...flags,
    },
    env: loggedIn(tool, registry.host),
    probeRegistry: true,
    store: registry.store,
    registryType: "harbor",
  });
}

const apiCalls = (registry: TinyRegistry) => registry.store.requests.filter((r) => r.path.startsWith("/api/"));
const HEAD_APIM: StoredRequest = { method: "HEAD", path: "/api/v2.0/projects?project_name=apim", authorization: BASIC, body: "" };

describe("-r for Harbor", () => {
  it("without a project is refused, with a corrected -r", () => {
    const error = thrownBy(() => setUp({ flags: { registry: "harbor.example.com" }, registryType: "harbor" }));
    expect(error).toMatchObject({
      code: "INVALID_REGISTRY",
      exitCode: 2,
      message: "-r harbor.example.com names no Harbor project; Harbor paths start with a project",
      hint: "use -r harbor.example.com/<project>[/path], for example -r harbor.example.com/apim",
    });
  });

  it("a project name of 255 characters is Harbor's longest", () => {
    expect(new HarborPlugin(parseRegistryUri(`harbor.example.com/${"a".repeat(255)}`), false).name).toBe("harbor");
    const error = thrownBy(() => new HarborPlugin(parseRegistryUri(`harbor.example.com/${"a".repeat(256)}/x`), false));
    expect(error).toMatchObject({ code: "INVALID_REGISTRY", exitCode: 2 });
    expect(error.message).toBe(
      `"${"a".repeat(256)}" is not a Harbor project name (1-255 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit)`,
    );
  });

  it.each(["apim", "a", "0team", "my.project_x-y"])("%s is a project name", (project) => {
    expect(() => new HarborPlugin(parseRegistryUri(`harbor.example.com/${project}/sub`), false)).not.toThrow();
  });
});

describe.each(["podman", "docker"] as const)("%s: preflight asks Harbor for the project", (tool) => {
  it("it exists: asked once with the stored credentials, then the image is pushed", async () => {
    harbor = await startHarbor(["apim"]);
    const { runner, shell, preflightRan } = run(harbor, tool);
    const report = await runner.run();
    expect(report.results.map((r) => r.status)).toEqual(["pushed"]);
    expect(apiCalls(harbor)).toEqual([HEAD_APIM]);
    // After the registry check, which found the credentials Harbor accepts.
    expect(preflightRan).toEqual(["container-tool", "source-images", "registry", "harbor"]);
    const target = `${harbor.host}/apim/apim-le-cache:v6.0.0`;
    expect(shell.mutatingArgs()).toEqual(expectedRun(tool, "apim/apim-le-cache:v6.0.0", target, tool === "podman"));
  });

  it("it is missing: PROJECT_NOT_FOUND saying how to create it; nothing tagged, nothing created", async () => {
    harbor = await startHarbor(["other"]);
    const { runner, shell } = run(harbor, tool);
    const error = await rejectionOf(runner.run());
    expect(error).toMatchObject({
      code: "PROJECT_NOT_FOUND",
      exitCode: 1,
      message: `Harbor project "apim" does not exist on ${harbor.host}`,
    });
    expect(error.hint).toContain("--create-project");
    expect(apiCalls(harbor)).toEqual([HEAD_APIM]);
    expect(shell.mutatingArgs()).toEqual([]);
  });

  it("--create-project: POSTs the private project with basic auth, then pushes", async () => {
    harbor = await startHarbor([]);
    const { runner, logged } = run(harbor, tool, { createProject: true });
    expect((await runner.run()).results.map((r) => r.status)).toEqual(["pushed"]);
    expect(apiCalls(harbor)).toEqual([
      HEAD_APIM,
      {
        method: "POST",
        path: "/api/v2.0/projects",
        authorization: BASIC,
        body: '{"project_name":"apim","metadata":{"public":"false"}}',
      },
    ]);
    expect(logged).toContain(`Created Harbor project "apim" on ${harbor.host} (private)\n`);
  });
});

describe("--create-project", () => {
  it("in a dry run: says the project would be created, POSTs nothing", async () => {
    harbor = await startHarbor([]);
    const { runner, shell, logged } = run(harbor, "podman", { createProject: true, dryRun: true });
    expect((await runner.run()).results.map((r) => r.status)).toEqual(["planned"]);
    expect(apiCalls(harbor)).toEqual([HEAD_APIM]);
    expect(shell.mutatingArgs()).toEqual([]);
    expect(logged).toContain('Harbor project "apim" does not exist; a real run creates it (--create-project)\n');
  });

  it("refused by Harbor (403): ACCESS_DENIED, nothing tagged", async () => {
    harbor = await startHarbor([], (request) => (request.method === "POST" ? { status: 403 } : undefined));
    const { runner, shell } = run(harbor, "podman", { createProject: true });
    const error = await rejectionOf(runner.run());
    expect(error).toMatchObject({
      code: "ACCESS_DENIED",
      message: `your Harbor account may not create project "apim" on ${harbor.host}`,
    });
    expect(shell.mutatingArgs()).toEqual([]);
  });

  it("created meanwhile by someone else (409): fine, pushed", async () => {
    harbor = await startHarbor([], (request) => (request.method === "POST" ? { status: 409 } : undefined));
    const { runner } = run(harbor, "podman", { createProject: true });
    expect((await runner.run()).results.map((r) => r.status)).toEqual(["pushed"]);
  });
});

describe("the project API refusing the look-up", () => {
  it.each([
    [401, "AUTH_REQUIRED"],
    [403, "ACCESS_DENIED"],
    [500, "REGISTRY_ERROR"],
  ])("HTTP %i: %s, nothing tagged", async (status, code) => {
    harbor = await startHarbor(["apim"], (request) => (request.method === "HEAD" ? { status } : undefined));
    const { runner, shell } = run(harbor, "podman");
    expect((await rejectionOf(runner.run())).code).toBe(code);
    expect(shell.mutatingArgs()).toEqual([]);
  });
});

describe("a login fix from Harbor's project API (HTTP 401)", () => {
  it("is the login preflight names: -t's --tls-verify=false for podman, the stored user quoted", async () => {
    harbor = await startHarbor(["apim"], (request) => (request.method === "HEAD" ? { status: 401 } : undefined));
    const error = await rejectionOf(run(harbor, "podman").runner.run());
    const login = `podman login --tls-verify=false -u 'robot$pusher' ${harbor.host}`;
    expect(error).toMatchObject({ code: "AUTH_REQUIRED", hint: `run '${login}', then run push-images again` });
  });
});
