/**
 * Proxy settings whose failure once misled (issue 20), each with a fix
 * that works when typed:
 * - a wrong proxy password was "the proxy wants credentials"; it is
 *   PROXY_AUTH_REJECTED, naming the user whose login was refused;
 * - a `socks5://` proxy, which push-images does not speak, waited 21 s and
 *   blamed the registry; it is refused before any request (exit 2).
 */
import { describe, expect, it } from "vitest";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { runCli } from "./helpers/cli.ts";
import { describeRun, EXIT, expectError, expectSuccess } from "./helpers/expect-cli.ts";
import { expectImage } from "./helpers/expect-registry.ts";
import { startForwardProxy } from "./helpers/forward-proxy.ts";

const bed = useBed();
const { plain, remoteTls } = bed.registries;
const image = "apim-le-cache";
const podmanId = bed.images.defaults.podmanIds[image] as string;

/** The proxy variables of a run, and none of the test runner's own. */
function proxyEnv(url: string, extra: Record<string, string> = {}): Record<string, string | undefined> {
  const unset = { NO_PROXY: undefined, no_proxy: undefined, http_proxy: undefined, https_proxy: undefined };
  return { ...unset, HTTP_PROXY: url, HTTPS_PROXY: url, ...extra };
}

describe("proxies that refuse or cannot be spoken to", () => {
  it("a wrong proxy password: PROXY_AUTH_REJECTED naming the user, never the password; the right one pushes", async () => {
    const credentials = { username: "ci", password: "right-s3cret" };
    const name = `registry.pib.test:${plain.host.replace(/^.*:/, "")}`;
    const guarded = await startForwardProxy({ hosts: { [name]: plain.host }, credentials });
    try {
      const path = uniqueName();
      const args = ["-r", `${name}/${path}`, "-c", "podman", "-t", "-i", image];
      const wrong = guarded.url.replace("http://", "http://ci:wrong-s3cret@");
      const r = await runCli(args, { env: proxyEnv(wrong) });
      const error = expectError(r, EXIT.failed, "PROXY_AUTH_REJECTED");
      expect(error).toContain(`refused the credentials of user "ci" (HTTP 407)`);
      expect(error).not.toContain("wants credentials");
      expect(`${r.stdout}${r.stderr}`, "the password is never shown").not.toContain("wrong-s3cret");
      expect(error).toContain(`export HTTPS_PROXY='http://ci:PASSWORD@${guarded.url.slice("http://".length)}'`);

      const right = guarded.url.replace("http://", `http://ci:${credentials.password}@`);
      expectSuccess(await runCli(args, { env: proxyEnv(right) }));
      await expectImage(plain, `${path}/${image}`, "v6.0.0", podmanId);
    } finally {
      await guarded.close();
    }
  });

  it("a socks5:// proxy: PROXY_UNSUPPORTED at once (exit 2), and NO_PROXY as printed pushes", async () => {
    const path = uniqueName();
    const args = ["-r", `${remoteTls.host}/${path}`, "-c", "podman", "-i", image, "--ca-file", bed.caFile];
    // Nothing listens there: a run that tried the proxy would wait for it.
    const socks = proxyEnv("socks5://127.0.0.1:9");
    const started = performance.now();
    const r = await runCli(args, { env: socks });
    const error = expectError(r, EXIT.invalid, "PROXY_UNSUPPORTED");
    expect(performance.now() - started, describeRun(r)).toBeLessThan(5_000);
    expect(error).toContain("HTTPS_PROXY names the socks5 proxy socks5://127.0.0.1:9");
    const noProxy = /export NO_PROXY=(\S+)/.exec(error)?.[1];
    expect(noProxy).toBe(remoteTls.host.replace(/:\d+$/, ""));

    expectSuccess(await runCli(args, { env: { ...socks, NO_PROXY: noProxy } }));
    await expectImage(remoteTls, `${path}/${image}`, "v6.0.0", podmanId);
  });
});
