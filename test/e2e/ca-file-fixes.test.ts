/**
 * TLS failures whose fix once misled (issue 20): the fix printed, typed as
 * it stands, makes the push work, checked in the registry.
 * - A certificate made for other names than -r's host, with the right
 *   --ca-file: the fix said "add --ca-file"; it now says the name does not
 *   match, which names the certificate holds, and gives -r with one of them.
 * - --ca-file DIR: the fix named the first file in it, here a server's
 *   certificate; it now names the CA certificates in it.
 */
import { copyFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { runCli } from "./helpers/cli.ts";
import { EXIT, expectError, expectSuccess } from "./helpers/expect-cli.ts";
import { expectPushed, pick } from "./helpers/expect-registry.ts";
import { testDir } from "./helpers/local-tools.ts";

const bed = useBed();
const { tls } = bed.registries;
const image = "apim-le-cacheloader";
const podman = ["-c", "podman", "-i", image];
const fixLine = (error: string) => /Fix: (.*)/.exec(error)?.[1] ?? "";

describe("fixes for TLS trouble that work when typed", () => {
  it("a certificate for other names (-r localhost:PORT, the certificate holds 127.0.0.1): TLS_NAME_MISMATCH, -r with its name", async () => {
    const path = uniqueName();
    const port = tls.host.replace(/^.*:/, "");
    const r = await runCli(["-r", `localhost:${port}/${path}`, ...podman, "--ca-file", bed.caFile]);
    const error = expectError(r, EXIT.failed, "TLS_NAME_MISMATCH");
    expect(error).toContain(`the TLS certificate of localhost:${port} does not hold the name localhost: it is for 127.0.0.1`);
    expect(error, "a CA cannot fix a name").not.toContain("add --ca-file");
    const fix = fixLine(error);
    expect(fix).toMatch(new RegExp(`^-r 127\\.0\\.0\\.1:${port}/${path}, if that name reaches the same registry`));

    const typed = /^-r (\S+),/.exec(fix)?.[1] ?? "";
    expectSuccess(await runCli(["-r", typed, ...podman, "--ca-file", bed.caFile]));
    await expectPushed(tls, path, "v6.0.0", pick(bed.images.defaults.podmanIds, [image]));
  });

  it("--ca-file DIR whose first file is the registry's own certificate: the fix names the CA in it", async () => {
    const dir = testDir();
    copyFileSync(join(dirname(bed.caFile), "local.crt"), join(dir, "a-registry.crt"));
    copyFileSync(bed.caFile, join(dir, "z-ca.crt"));
    const path = uniqueName();
    const error = expectError(
      await runCli(["-r", `${tls.host}/${path}`, ...podman, "--ca-file", dir]),
      EXIT.invalid,
      "CA_FILE_INVALID",
    );
    expect(error).toContain("a-registry.crt are not CAs");
    const fix = fixLine(error);
    expect(fix).toBe(`name the CA file itself: --ca-file ${join(dir, "z-ca.crt")}`);

    const typed = fix.replace(/^.*--ca-file /, "");
    expectSuccess(await runCli(["-r", `${tls.host}/${path}`, ...podman, "--ca-file", typed]));
    await expectPushed(tls, path, "v6.0.0", pick(bed.images.defaults.podmanIds, [image]));
  });
});
