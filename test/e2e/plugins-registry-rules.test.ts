/**
 * The naming rules of the bundled registry plugins, through the built
 * program: a -r the registry cannot take is refused with exit 2, before
 * podman or docker is run, and the message shows a -r that works. Docker
 * Hub's --flatten is shown by a dry run: the hosted registries cannot be
 * reached from here, so the plan is what is checked.
 */
import { describe, expect, it } from "vitest";
import { useBed } from "./helpers/bed.ts";
import { runCli } from "./helpers/cli.ts";
import { describeRun, EXIT } from "./helpers/expect-cli.ts";
import { expectInvalid } from "./helpers/expect-invalid.ts";
import { toolSpy } from "./helpers/tool-spy.ts";

const bed = useBed();
const podman = ["-c", "podman", "-t"];

/** The `-r <value>` the message suggests. */
function suggested(error: string): string | undefined {
  return /-r (\S+)/.exec(error.slice(error.indexOf("Fix:")))?.[1];
}

describe.concurrent("refused -r values (exit 2, nothing run)", () => {
  it("Harbor without a project: -r host:port --registry-type harbor", async () => {
    const { host } = bed.registries.plain;
    const { error } = await expectInvalid(["-r", host, "--registry-type", "harbor", ...podman], "INVALID_REGISTRY");
    expect(error).toMatch(/project/i);
    expect(suggested(error)).toMatch(new RegExp(`^${host}/[a-z0-9<]`));
  });

  it("GCR without a project id: -r gcr.io", async () => {
    const { error } = await expectInvalid(["-r", "gcr.io", ...podman], "INVALID_REGISTRY");
    expect(error).toMatch(/project id/i);
    expect(suggested(error)).toMatch(/^gcr\.io\/\S+/);
  });

  it("Artifact Registry without a repository: -r europe-docker.pkg.dev/my-project", async () => {
    const { error } = await expectInvalid(["-r", "europe-docker.pkg.dev/my-project", ...podman], "INVALID_REGISTRY");
    expect(error).toMatch(/repository/i);
    // LOCATION-docker.pkg.dev/PROJECT/REPOSITORY: both path components.
    expect(suggested(error)).toMatch(/^europe-docker\.pkg\.dev\/[^/\s]+\/[^/\s]+/);
  });

  it("Docker Hub with a nested path: -r docker.io/acme/apim names --flatten", async () => {
    const { error } = await expectInvalid(["-r", "docker.io/acme/apim", ...podman], "INVALID_REGISTRY");
    expect(error).toContain("--flatten");
    expect(error).toContain("docker.io/acme");
  });
});

describe("Docker Hub with --flatten --dry-run", () => {
  it("plans docker.io/acme/apim-<image> and tags or pushes nothing", async () => {
    const spy = toolSpy(["podman"]);
    const r = await runCli(["-r", "docker.io/acme/apim", "--flatten", "--dry-run", "-c", "podman"], { env: { PATH: spy.path } });
    for (const image of bed.productImages) {
      expect(r.stderr, `the plan of ${image}\n${describeRun(r)}`).toContain(
        `apim/${image}:v6.0.0 -> docker.io/acme/apim-${image}:v6.0.0`,
      );
    }
    const changes = spy.calls("podman").filter((call) => /^(tag|push|untag|load|rmi)\b/.test(call));
    expect(changes, "podman commands that change something").toEqual([]);
    // Docker Hub cannot be reached from the test machine (nor logged in to
    // from the bed elsewhere), so the dry run's registry check fails: exit 1.
    expect(r.code, describeRun(r)).toBe(EXIT.failed);
  });
});
