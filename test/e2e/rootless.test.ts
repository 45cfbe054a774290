/**
 * An ordinary user, as the vendor page promises root is not needed:
 * rootless podman with its own storage under HOME, logged in as after
 * `su -` or `sudo -iu` (no XDG_RUNTIME_DIR, so podman keeps the login in
 * /tmp/podman-run-<uid>), and docker through a socket the user's group may
 * use. The images are built by that user, from scratch.
 */
import { randomBytes } from "node:crypto";
import { chownSync, existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { runCli } from "./helpers/cli.ts";
import { expectSuccess } from "./helpers/expect-cli.ts";
import { expectPushed, pick } from "./helpers/expect-registry.ts";
import { asOperator, buildOperatorImages, operator } from "./helpers/operator.ts";
import { LOOPBACK_FLAGS } from "./helpers/tool-flags.ts";

const bed = useBed();
const { plain, tls, auth } = bed.registries;
const { username, password } = auth.credentials ?? { username: "", password: "" };
const op = operator();
const two = ["apim-le-cache", "apim-le-toolkit"];
const only = two.flatMap((image) => ["-i", image]);
const tag = bed.images.defaults.tag;
let ids: Record<string, string> = {};

beforeAll(async () => {
  const rootless = await asOperator("podman", ["info", "--format", "{{.Host.Security.Rootless}}"]);
  expect(rootless, "podman runs rootless as the operator").toBe("true");
  ids = await buildOperatorImages(two, bed.images.defaults.path, tag);
}, 60_000);

describe("rootless podman", () => {
  it("pushes from the user's own storage", async () => {
    const path = uniqueName();
    expectSuccess(await runCli(["-r", `${plain.host}/${path}`, ...LOOPBACK_FLAGS.podman, ...only], { as: op }));
    await expectPushed(plain, path, tag, ids);
  });

  it("pushes to a self-signed TLS registry with -t", async () => {
    const path = uniqueName();
    expectSuccess(await runCli(["-r", `${tls.host}/${path}`, "-c", "podman", "-t", ...only], { as: op }));
    await expectPushed(tls, path, tag, ids);
  });

  it("finds the login podman stored without XDG_RUNTIME_DIR, in /tmp/podman-run-<uid>", async () => {
    await asOperator("podman", ["login", "--tls-verify=false", "-u", username, "-p", password, auth.host]);
    try {
      expect(existsSync(`/tmp/podman-run-${op.uid}/containers/auth.json`), "where podman 4.3 keeps it after su -").toBe(true);
      const path = uniqueName();
      expectSuccess(await runCli(["-r", `${auth.host}/${path}`, ...LOOPBACK_FLAGS.podman, ...only], { as: op }));
      await expectPushed(auth, path, tag, ids);
    } finally {
      await asOperator("podman", ["logout", auth.host]);
    }
  });

  it("finds the login podman stored under XDG_RUNTIME_DIR", async () => {
    const runtimeDir = mkdtempSync(join(op.home, "xdg-"));
    chownSync(runtimeDir, op.uid, op.gid);
    const session = { XDG_RUNTIME_DIR: runtimeDir };
    await asOperator("podman", ["login", "--tls-verify=false", "-u", username, "-p", password, auth.host], session);
    expect(existsSync(join(runtimeDir, "containers/auth.json"))).toBe(true);
    const path = uniqueName();
    expectSuccess(await runCli(["-r", `${auth.host}/${path}`, ...LOOPBACK_FLAGS.podman, ...only], { as: op, env: session }));
    await expectPushed(auth, path, tag, ids);
  });

  it("save, then --from-archive", async () => {
    const archive = join(op.home, `${uniqueName()}.tar`);
    const saved = await runCli(["save", "-v", "-o", archive, "-c", "podman", ...only], { as: op });
    expectSuccess(saved);
    expect(saved.stderr, "the layers are read from the user's own storage (the bed's rootless podman uses vfs)").toContain(
      `Reading 2 image(s) from podman's storage at ${op.home}/.local/share/containers/storage (vfs)`,
    );
    expect(saved.stderr).not.toMatch(/^\$ podman save/m);
    const path = uniqueName();
    expectSuccess(
      await runCli(["--from-archive", archive, "-r", `${plain.host}/${path}`, ...LOOPBACK_FLAGS.podman, ...only], { as: op }),
    );
    await expectPushed(plain, path, tag, ids);
  });

  it("save of an image holding a file the user may not read (another user's, mode 0600): podman save writes it", async () => {
    const ctx = mkdtempSync(join(op.home, "private-"));
    writeFileSync(join(ctx, "secret"), randomBytes(1024));
    writeFileSync(join(ctx, "Containerfile"), "FROM scratch\nCOPY --chown=1000:1000 --chmod=600 secret /secret\n");
    for (const file of [ctx, join(ctx, "secret"), join(ctx, "Containerfile")]) chownSync(file, op.uid, op.gid);
    const ref = `${bed.images.defaults.path}/apim-le-configui:${uniqueName("v")}`;
    await asOperator("podman", ["build", "--quiet", "--pull=never", "--tag", ref, ctx]);
    const id = `sha256:${await asOperator("podman", ["image", "inspect", "--format", "{{.Id}}", ref])}`;
    try {
      const args = ["save", "-v", "-o", join(op.home, `${uniqueName()}.tar`), "-c", "podman", "-i", "apim-le-configui"];
      const r = await runCli([...args, "-s", ref.split(":")[1] ?? ""], { as: op });
      expectSuccess(r);
      expect(r.stderr).toMatch(/Reading podman's storage failed \(\S+\/secret: EACCES\)/);
      expect(r.stderr).toMatch(/^\$ podman save/m);
      expect(r.stderr).toContain(id);
    } finally {
      await asOperator("podman", ["rmi", "--force", id]);
    }
  });
});

describe("docker through the socket the user's group may use", () => {
  it("finds the login docker stored in ~/.docker/config.json and pushes", async () => {
    await asOperator("docker", ["login", "-u", username, "-p", password, auth.host]);
    try {
      expect(existsSync(join(op.home, ".docker/config.json"))).toBe(true);
      const path = uniqueName();
      expectSuccess(await runCli(["-r", `${auth.host}/${path}`, ...LOOPBACK_FLAGS.docker, ...only], { as: op }));
      await expectPushed(auth, path, tag, pick(bed.images.defaults.dockerIds, two));
    } finally {
      await asOperator("docker", ["logout", auth.host]);
    }
  });

  it("save: docker's archive streams through the pipe into the bundle", async () => {
    const r = await runCli(["save", "-o", join(op.home, `${uniqueName()}.tar`), "-c", "docker", ...only], { as: op });
    expectSuccess(r);
    for (const id of Object.values(pick(bed.images.defaults.dockerIds, two))) expect(r.stderr).toContain(id);
  });
});
