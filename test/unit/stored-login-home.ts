/**
 * A throwaway HOME whose only stored login is `user` for `host`, in a
 * REGISTRY_AUTH_FILE, as `podman login` leaves it: for unit runs that open
 * a real registry connection. The caller removes `home`.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function storedLoginHome(host: string, user: { name: string; password: string }) {
  const home = mkdtempSync(join(tmpdir(), "push-images-login-"));
  const authFile = join(home, "auth.json");
  const auth = Buffer.from(`${user.name}:${user.password}`).toString("base64");
  writeFileSync(authFile, JSON.stringify({ auths: { [host]: { auth } } }));
  const env = {
    HOME: home,
    XDG_RUNTIME_DIR: join(home, "run"),
    DOCKER_CONFIG: join(home, "docker"),
    REGISTRY_AUTH_FILE: authFile,
  };
  return { home, env };
}
