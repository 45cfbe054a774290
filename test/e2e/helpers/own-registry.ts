/**
 * A plain HTTP registry of one test's own, for tests that stop it: the
 * bed's registries serve every other test. It restarts on the same port
 * with the same storage, as a registry back from an outage does.
 */
import { join } from "node:path";
import { Cleanup } from "../../bed/cleanup.ts";
import { startRegistry } from "../../bed/registry.ts";
import type { BedRegistry } from "./bed.ts";
import { testDir } from "./local-tools.ts";

export interface OwnRegistry {
  registry: BedRegistry;
  stop: () => Promise<void>;
  /** Starts it again where it was, with what it held. */
  restart: () => Promise<void>;
  /** Stops it for good (call in finally / afterEach). */
  close: () => Promise<void>;
}

export async function startOwnRegistry(name: string): Promise<OwnRegistry> {
  const cleanup = new Cleanup();
  const dir = join(testDir(), name);
  let started = await startRegistry({ name, dir, ip: "127.0.0.1" }, cleanup);
  const port = Number(new URL(started.url).port);
  return {
    registry: { host: started.host, url: started.url, logFile: started.logFile },
    stop: () => started.stop(),
    restart: async () => {
      started = await startRegistry({ name, dir, ip: "127.0.0.1", port }, cleanup);
    },
    close: () => cleanup.run(),
  };
}
