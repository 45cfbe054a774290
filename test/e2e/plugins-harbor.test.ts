/**
 * Harbor's project check and --create-project, end to end. No Harbor can
 * run here (it needs its own containers, database and network), so a
 * stand-in HTTP server answers Harbor's documented project API with basic
 * auth and proxies /v2/ to the plain bed registry: what the tool asks of
 * Harbor is checked on the stand-in, what it pushed is checked in the
 * registry. -r names no --registry-type: the stand-in's systeminfo makes
 * the tool detect Harbor by itself.
 */
import { randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { runCli } from "./helpers/cli.ts";
import { EXIT, expectError, expectSuccess } from "./helpers/expect-cli.ts";
import { expectNoTrace, expectPushed, pick } from "./helpers/expect-registry.ts";
import { isolatedLogins, tool } from "./helpers/local-tools.ts";
import { startHarborStandIn, type HarborStandIn } from "./helpers/plugins-harbor-stand-in.ts";

const bed = useBed();
const { plain } = bed.registries;
const apim = bed.images.defaults;
const two = ["apim-le-cache", "apim-le-configui"];
const account = { username: "site-admin", password: randomBytes(9).toString("hex") };

let harbor: HarborStandIn;
let existing: string;

beforeEach(async () => {
  existing = uniqueName("p");
  harbor = await startHarborStandIn({ account, upstream: plain, projects: [existing] });
});

afterEach(async () => {
  await harbor.close();
});

/** Login files of the test's own, holding a podman login to the stand-in. */
async function podmanLogin(): Promise<ReturnType<typeof isolatedLogins>> {
  const logins = isolatedLogins();
  await tool("podman", ["login", "--tls-verify=false", "-u", account.username, "-p", account.password, harbor.host], logins);
  return logins;
}

async function dockerLogin(): Promise<ReturnType<typeof isolatedLogins>> {
  const logins = isolatedLogins();
  await tool("docker", ["login", "-u", account.username, "-p", account.password, harbor.host], logins);
  return logins;
}

describe("Harbor projects (against a stand-in for Harbor's API)", () => {
  it("a project that does not exist: PROJECT_NOT_FOUND, the fix names --create-project, nothing pushed", async () => {
    const project = uniqueName("p");
    const r = await runCli(["-r", `${harbor.host}/${project}`, "-c", "podman", "-t", "-i", "apim-le-cache"], {
      env: await podmanLogin(),
    });
    const error = expectError(r, EXIT.failed, "PROJECT_NOT_FOUND");
    expect(error).toContain(project);
    expect(error).toContain("--create-project");
    // It asked Harbor, as the logged-in user, and created nothing.
    const asked = harbor.apiRequests.find((q) => q.method === "HEAD" && q.url === `/api/v2.0/projects?project_name=${project}`);
    expect(asked, `HEAD for the project; the stand-in saw ${JSON.stringify(harbor.apiRequests)}`).toBeDefined();
    expect(asked?.user).toBe(account.username);
    expect(
      harbor.apiRequests.filter((q) => q.method === "POST"),
      "a project was created",
    ).toEqual([]);
    expect(
      harbor.registryPaths.filter((p) => p.startsWith(`/v2/${project}/`)),
      "pushes were attempted",
    ).toEqual([]);
    await expectNoTrace(project);
  });

  it("--create-project creates it, private, with the stored docker login, and the images land", async () => {
    const project = uniqueName("p");
    const logins = await dockerLogin();
    const args = ["-r", `${harbor.host}/${project}`, "-c", "docker", "--create-project", ...two.flatMap((i) => ["-i", i])];
    expectSuccess(await runCli(args, { env: logins }));

    const posts = harbor.apiRequests.filter((q) => q.method === "POST");
    expect(posts.map((q) => q.url)).toEqual(["/api/v2.0/projects"]);
    expect(JSON.parse(posts[0]?.body ?? "null")).toEqual({ project_name: project, metadata: { public: "false" } });
    expect({ user: posts[0]?.user, password: posts[0]?.password }, "the stored login").toEqual({
      user: account.username,
      password: account.password,
    });
    expect(harbor.projects.get(project)).toEqual({ name: project, public: false });
    await expectPushed(plain, project, apim.tag, pick(apim.dockerIds, two));
  });

  it("a project that exists is pushed to, and nothing is created", async () => {
    const r = await runCli(["-r", `${harbor.host}/${existing}`, "-c", "podman", "-t", ...two.flatMap((i) => ["-i", i])], {
      env: await podmanLogin(),
    });
    expectSuccess(r);
    expect(
      harbor.apiRequests.filter((q) => q.method === "POST"),
      "a project was created",
    ).toEqual([]);
    await expectPushed(plain, existing, apim.tag, pick(apim.podmanIds, two));
  });

  it("--create-project with a project that exists pushes without creating it again", async () => {
    const r = await runCli(
      ["-r", `${harbor.host}/${existing}/apim`, "-c", "podman", "-t", "--create-project", "-i", "apim-le-toolkit"],
      { env: await podmanLogin() },
    );
    expectSuccess(r);
    expect(
      harbor.apiRequests.filter((q) => q.method === "POST"),
      "a project was created",
    ).toEqual([]);
    await expectPushed(plain, `${existing}/apim`, apim.tag, pick(apim.podmanIds, ["apim-le-toolkit"]));
  });
});

describe("a Harbor robot account (robot$apim+ci, a password of shell and URL specials)", () => {
  it("--create-project asks Harbor's API as the robot, the name and password intact; -v never shows the password", async () => {
    const robot = bed.registries.auth.robot ?? { username: "", password: "" };
    const robotHarbor = await startHarborStandIn({ account: robot, upstream: plain });
    try {
      const logins = isolatedLogins();
      await tool("podman", ["login", "--tls-verify=false", "-u", robot.username, "-p", robot.password, robotHarbor.host], logins);
      const project = uniqueName("p");
      const args = [
        "-r",
        `${robotHarbor.host}/${project}`,
        "-c",
        "podman",
        "-t",
        "--create-project",
        "-i",
        "apim-le-cache",
        "-v",
      ];
      const r = await runCli(args, { env: logins });
      expectSuccess(r);
      const asked = robotHarbor.apiRequests.map((q) => ({ method: q.method, user: q.user, password: q.password }));
      const asRobot = { user: robot.username, password: robot.password };
      expect(asked).toEqual([
        { method: "HEAD", ...asRobot },
        { method: "POST", ...asRobot },
      ]);
      expect(robotHarbor.projects.get(project)).toEqual({ name: project, public: false });
      expect(`${r.stdout}${r.stderr}`).not.toContain(robot.password);
      await expectPushed(plain, project, apim.tag, pick(apim.podmanIds, ["apim-le-cache"]));
    } finally {
      await robotHarbor.close();
    }
  });
});
