/**
 * After the push: --digest-file holds the pinned references the registry
 * serves; `verify` passes after a push and, read-only, names the image a
 * registry lost a layer or a manifest of; the push it names as the fix
 * (--force) puts the layer back. A push to a registry that wants a login
 * on pulls prints the pull-secret line (never the password); an anonymous
 * one prints none.
 */
import { lstatSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { requestsUnder } from "./helpers/access-log.ts";
import { runCli, type CliResult } from "./helpers/cli.ts";
import { describeRun, EXIT, expectError, expectSuccess } from "./helpers/expect-cli.ts";
import { isolatedLogins, testDir, tool } from "./helpers/local-tools.ts";
import { RegistryClient } from "./helpers/registry-client.ts";
import { deleteFirstLayer, deleteManifest } from "./helpers/registry-delete.ts";

const bed = useBed();
const { plain, auth } = bed.registries;
const apim = bed.images.defaults;

function expectExit(r: CliResult, code: number): void {
  expect(r.code, describeRun(r)).toBe(code);
}

describe("--digest-file and verify", () => {
  it("pins all seven, verifies them read-only, and names each image the registry lost a part of", async () => {
    const path = uniqueName();
    const dir = testDir();
    const digests = join(dir, "apim.digests");
    // A symlink planted at the name is replaced, not written through.
    writeFileSync(join(dir, "victim"), "untouched\n");
    symlinkSync(join(dir, "victim"), digests);
    const target = ["-r", `${plain.host}/${path}`, "-c", "podman", "-t"];
    const pushed = await runCli([...target, "--digest-file", digests, "--json"]);
    expectSuccess(pushed);
    expect(lstatSync(digests).isFile()).toBe(true);
    expect(readFileSync(join(dir, "victim"), "utf8")).toBe("untouched\n");

    const client = new RegistryClient(plain);
    const served = await Promise.all(
      bed.productImages.map(async (image) => {
        const manifest = await client.manifest(`${path}/${image}`, apim.tag);
        return `${plain.host}/${path}/${image}:${apim.tag}@${manifest?.digest}`;
      }),
    );
    expect(readFileSync(digests, "utf8").split("\n").filter(Boolean).sort()).toEqual([...served].sort());
    const json = JSON.parse(pushed.stdout) as { images: Array<{ pinned: string }>; pullRequiresLogin: boolean | null };
    expect(json.images.map((image) => image.pinned).sort()).toEqual([...served].sort());
    // The bed's plain registry lets anyone pull: nothing to say.
    expect(json.pullRequiresLogin).toBe(false);
    expect(pushed.stderr).not.toContain("kubectl");

    const before = requestsUnder(plain, path).length;
    const whole = await runCli(["verify", ...target]);
    expectExit(whole, EXIT.ok);
    expect(whole.stderr).toContain("7 whole");
    const asked = requestsUnder(plain, path).slice(before);
    expect(asked.length).toBeGreaterThan(7);
    expect(asked.filter((request) => request.method !== "GET" && request.method !== "HEAD")).toEqual([]);

    const layer = await deleteFirstLayer(plain, `${path}/apim-le-cache`, apim.tag);
    const lostLayer = await runCli(["verify", ...target]);
    expectExit(lostLayer, EXIT.failed);
    expect(lostLayer.stderr).toMatch(/6 whole, 1 incomplete/);
    expect(lostLayer.stderr).toContain(`apim-le-cache: ${plain.host}/${path}/apim-le-cache:${apim.tag}: layer 1 of`);
    expect(lostLayer.stderr).toContain(layer);
    const fix = `push-images -r ${plain.host}/${path} -c podman -i apim-le-cache -t --force`;
    expect(lostLayer.stderr).toContain(fix);

    // The fix it names sends the lost layer again.
    expectSuccess(await runCli(fix.split(" ").slice(1)));
    expectExit(await runCli(["verify", ...target, "-i", "apim-le-cache"]), EXIT.ok);

    await deleteManifest(plain, `${path}/apim-le-configui`, apim.tag);
    const lostManifest = await runCli(["verify", ...target, "--json"]);
    expectExit(lostManifest, EXIT.failed);
    expect(lostManifest.stderr).toContain(
      `apim-le-configui: ${plain.host}/${path}/apim-le-configui:${apim.tag}: the registry has no manifest`,
    );
    const statuses = (JSON.parse(lostManifest.stdout) as { images: Array<{ image: string; status: string }> }).images;
    expect(statuses.filter((image) => image.status !== "whole")).toEqual([
      expect.objectContaining({ image: "apim-le-configui", status: "missing" }),
    ]);
  });

  it("--from-archive: exit 0 where the registry holds the bundle's image, 1 where another image has its tag", async () => {
    const bundle = join(testDir(), "cache.tar");
    expectSuccess(await runCli(["save", "-o", bundle, "-c", "podman", "-i", "apim-le-cache"]));
    const same = uniqueName();
    expectSuccess(await runCli(["--from-archive", bundle, "-r", `${plain.host}/${same}`, "-t"]));
    expectExit(await runCli(["verify", "--from-archive", bundle, "-r", `${plain.host}/${same}`, "-t"]), EXIT.ok);

    // Another image (the alternate set's) under the bundle's name and tag.
    const other = uniqueName();
    const alternate = ["-p", bed.images.alternate.path, "-s", bed.images.alternate.tag, "-d", apim.tag];
    expectSuccess(await runCli(["-r", `${plain.host}/${other}`, "-c", "podman", "-t", "-i", "apim-le-cache", ...alternate]));
    const differs = await runCli(["verify", "--from-archive", bundle, "-r", `${plain.host}/${other}`, "-t"]);
    expectExit(differs, EXIT.failed);
    expect(differs.stderr).toMatch(/apim-le-cache: .* it is another image/);
  });
});

it("--digest-file naming a directory: exit 2 before anything is pushed, naming the value", async () => {
  const dir = testDir();
  const path = uniqueName();
  const r = await runCli(["-r", `${plain.host}/${path}`, "-c", "podman", "-t", "--digest-file", dir]);
  expect(expectError(r, EXIT.invalid, "OUTPUT_NOT_A_FILE")).toContain(`--digest-file ${dir} is a directory`);
  expect(requestsUnder(plain, path)).toEqual([]);
});

describe("can Kubernetes pull?", () => {
  it("a registry that wants a login on pulls: the pull-secret line, with the user and without the password", async () => {
    const { username, password } = auth.credentials ?? { username: "", password: "" };
    const logins = isolatedLogins();
    await tool("podman", ["login", "--tls-verify=false", "-u", username, "-p", password, auth.host], logins);
    const path = uniqueName();
    const r = await runCli(["-r", `${auth.host}/${path}`, "-c", "podman", "-t", "-i", "apim-le-cache", "--json"], {
      env: logins,
    });
    expectSuccess(r);
    expect(r.stderr).toContain(
      `kubectl create secret docker-registry <name> --docker-server=${auth.host} --docker-username=${username} --docker-password=<password>`,
    );
    expect(r.stderr).toContain("imagePullSecrets");
    expect(r.stderr).not.toContain(password);
    expect((JSON.parse(r.stdout) as { pullRequiresLogin: boolean }).pullRequiresLogin).toBe(true);

    // verify asks the same, and says the same.
    const verified = await runCli(
      ["verify", "-r", `${auth.host}/${path}`, "-c", "podman", "-t", "-i", "apim-le-cache", "--json"],
      {
        env: logins,
      },
    );
    expectExit(verified, EXIT.ok);
    expect(verified.stderr).toContain(`--docker-username=${username} --docker-password=<password>`);
    expect(verified.stderr).not.toContain(password);
    expect((JSON.parse(verified.stdout) as { pullRequiresLogin: boolean }).pullRequiresLogin).toBe(true);
  });
});
