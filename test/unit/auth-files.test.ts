/**
 * Where stored logins are looked for, in the tools' own order. The rootless
 * cases mirror what podman 4.3 did on Debian 12 for a user without
 * XDG_RUNTIME_DIR (`su -`): /run/user/<uid> when it is the user's, else
 * $TMPDIR or /tmp/podman-run-<uid>.
 */
import { describe, expect, it } from "vitest";
import { authFiles, podmanRuntimeAuthFile, type HostFacts } from "../../src/registry/auth-files.ts";

const HOME = "/home/op";
const user = (owned: readonly string[] = []): HostFacts => ({
  uid: 1001,
  ownsDir: (dir, uid) => uid === 1001 && owned.includes(dir),
});
const root: HostFacts = { uid: 0, ownsDir: () => true };

describe("podman", () => {
  it("REGISTRY_AUTH_FILE takes the runtime file's place; XDG_CONFIG_HOME's and docker's files follow", () => {
    const env = {
      HOME,
      REGISTRY_AUTH_FILE: "/etc/auth.json",
      XDG_RUNTIME_DIR: "/run/user/1001",
      XDG_CONFIG_HOME: "/cfg",
      DOCKER_CONFIG: "/dc",
    };
    expect(authFiles("podman", env, user())).toEqual(["/etc/auth.json", "/cfg/containers/auth.json", "/dc/config.json"]);
  });

  it("without REGISTRY_AUTH_FILE: the runtime dir first, then ~/.config, then ~/.docker", () => {
    expect(authFiles("podman", { HOME, XDG_RUNTIME_DIR: "/run/user/1001" }, user())).toEqual([
      "/run/user/1001/containers/auth.json",
      `${HOME}/.config/containers/auth.json`,
      `${HOME}/.docker/config.json`,
    ]);
  });

  it("empty variables count as unset, as in the tools", () => {
    const env = { HOME, REGISTRY_AUTH_FILE: "", XDG_RUNTIME_DIR: "", XDG_CONFIG_HOME: "", DOCKER_CONFIG: "" };
    expect(authFiles("podman", env, root)).toEqual([
      "/run/containers/0/auth.json",
      `${HOME}/.config/containers/auth.json`,
      `${HOME}/.docker/config.json`,
    ]);
  });

  describe("the runtime file without XDG_RUNTIME_DIR", () => {
    it("root: /run/containers/0", () => {
      expect(podmanRuntimeAuthFile({ HOME }, root)).toBe("/run/containers/0/auth.json");
    });

    it("a user who owns /run/user/<uid> (a logind session)", () => {
      expect(podmanRuntimeAuthFile({ HOME }, user(["/run/user/1001", "/tmp/podman-run-1001"]))).toBe(
        "/run/user/1001/containers/auth.json",
      );
    });

    it("su - / sudo -iu: no /run/user/<uid> of the user's, so /tmp/podman-run-<uid>", () => {
      expect(podmanRuntimeAuthFile({ HOME }, user(["/tmp/podman-run-1001"]))).toBe("/tmp/podman-run-1001/containers/auth.json");
    });

    it("$TMPDIR in place of /tmp, as Go's os.TempDir()", () => {
      expect(podmanRuntimeAuthFile({ HOME, TMPDIR: "/var/tmp/op" }, user(["/var/tmp/op/podman-run-1001"]))).toBe(
        "/var/tmp/op/podman-run-1001/containers/auth.json",
      );
    });

    it("neither usable: $HOME/rundir", () => {
      expect(podmanRuntimeAuthFile({ HOME }, user())).toBe(`${HOME}/rundir/containers/auth.json`);
    });
  });
});

describe("docker", () => {
  it("only its config: DOCKER_CONFIG, else ~/.docker", () => {
    expect(authFiles("docker", { HOME, DOCKER_CONFIG: "/dc", REGISTRY_AUTH_FILE: "/etc/auth.json" }, root)).toEqual([
      "/dc/config.json",
    ]);
    expect(authFiles("docker", { HOME, XDG_RUNTIME_DIR: "/run/user/0" }, root)).toEqual([`${HOME}/.docker/config.json`]);
  });
});
