/**
 * A plain HTTP registry of one test's own behind a token server
 * (token-server.ts) whose tokens live a few seconds: distribution's
 * `auth: token` trusting a signing certificate made for it. The user name
 * is a Harbor robot account's (`robot$...+...`), whose `$` and `+` every
 * token request must carry intact.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createCa } from "../../bed/certs.ts";
import { Cleanup } from "../../bed/cleanup.ts";
import { startRegistry } from "../../bed/registry.ts";
import type { BedRegistry } from "./bed.ts";
import { testDir } from "./local-tools.ts";
import { startTokenServer, type TokenRequest } from "./token-server.ts";

export interface TokenRegistry {
  /** With the user's credentials, so registry-client.ts reads it (through tokens too). */
  registry: BedRegistry & { credentials: { username: string; password: string } };
  /** Every token request so far, in order. */
  tokenRequests: () => readonly TokenRequest[];
  /** Requests under `repoPath/` the registry refused for an invalid token (expired, from its log), with their User-Agent. */
  invalidTokenRefusals: (repoPath: string) => Array<{ uri: string; userAgent: string }>;
  close: () => Promise<void>;
}

/** `pullOnly`: the user may log in and pull, never push (token-server.ts). */
export async function startTokenRegistry(name: string, lifetimeS: number, { pullOnly = false } = {}): Promise<TokenRegistry> {
  const cleanup = new Cleanup();
  try {
    const dir = join(testDir(), name);
    // A self-signed certificate is all the registry's rootcertbundle needs to hold.
    const signer = await createCa(testDir());
    const user = { username: `robot$${name}+ci`, password: randomBytes(12).toString("hex") };
    const service = `${name}-registry`;
    const issuer = `${name}-token-server`;
    const { keyFile, certFile } = signer;
    const tokens = await startTokenServer({ service, issuer, lifetimeS, user, pullOnly, keyFile, certFile });
    cleanup.add(`stop the token server of ${name}`, () => tokens.close());
    const token = { realm: tokens.realm, service, issuer, rootCertBundle: signer.certFile };
    const started = await startRegistry({ name, dir, ip: "127.0.0.1", token }, cleanup);
    return {
      registry: { host: started.host, url: started.url, logFile: started.logFile, credentials: user },
      tokenRequests: tokens.requests,
      invalidTokenRefusals: (repoPath) => invalidTokenRefusals(started.logFile, repoPath),
      close: () => cleanup.run(),
    };
  } catch (error) {
    await cleanup.run();
    throw error;
  }
}

/** distribution logs each one as `msg="error authorizing context: invalid token" ... http.request.uri=... http.request.useragent=...`. */
function invalidTokenRefusals(logFile: string, repoPath: string): Array<{ uri: string; userAgent: string }> {
  return readFileSync(logFile, "utf8")
    .split("\n")
    .flatMap((line) => {
      if (!line.includes("error authorizing context: invalid token")) return [];
      const uri = /http\.request\.uri="?([^"\s]*)/.exec(line)?.[1] ?? "";
      const userAgent =
        /http\.request\.useragent=(?:"([^"]*)"|(\S*))/
          .exec(line)
          ?.slice(1)
          .find((ua) => ua !== undefined) ?? "";
      return uri.startsWith(`/v2/${repoPath}/`) ? [{ uri, userAgent }] : [];
    });
}
