/**
 * A TLS registry of one test's own, signed by a CA of its own, on the host
 * end of the bed's network-namespace link (10.231.N.1, beside remoteTls's
 * 10.231.N.2): not loopback, so dockerd verifies it, and a host:port no
 * other test knows, so files a test puts in /etc/docker/certs.d/<host:port>
 * reach no other test.
 */
import { join } from "node:path";
import { createCa, issueServerCert } from "../../bed/certs.ts";
import { Cleanup } from "../../bed/cleanup.ts";
import { startRegistry } from "../../bed/registry.ts";
import { useBed, type BedRegistry } from "./bed.ts";
import { testDir } from "./local-tools.ts";

export interface OwnTlsRegistry {
  registry: BedRegistry;
  /** The CA that signed its certificate (PEM). */
  caFile: string;
  close: () => Promise<void>;
}

export async function startOwnTlsRegistry(name: string): Promise<OwnTlsRegistry> {
  const cleanup = new Cleanup();
  const dir = join(testDir(), name);
  const ca = await createCa(testDir());
  // netns.ts: the namespace's end is .2, the host's end .1.
  const ip = useBed().registries.remoteTls.host.replace(/\.2:\d+$/, ".1");
  const cert = await issueServerCert(ca, testDir(), name, [ip]);
  try {
    const started = await startRegistry({ name, dir, ip, tls: cert, caFile: ca.certFile }, cleanup);
    const registry = { host: started.host, url: started.url, logFile: started.logFile, caFile: ca.certFile };
    return { registry, caFile: ca.certFile, close: () => cleanup.run() };
  } catch (error) {
    await cleanup.run();
    throw error;
  }
}
