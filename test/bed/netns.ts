/**
 * A network namespace joined to the host by a veth pair on a 10.231.N.0/30
 * subnet. A registry started inside it has a non-loopback address, which is
 * the only way to show dockerd a registry that is not insecure by default
 * (dockerd always treats 127.0.0.0/8 as insecure).
 */
import type { Cleanup } from "./cleanup.ts";
import { run, runRaw } from "./run.ts";

export interface Netns {
  name: string;
  /** Address of the namespace's end: where its services listen. */
  nsIp: string;
  /** Address of the host's end. */
  hostIp: string;
  /** Command prefix that runs a program inside the namespace. */
  prefix: readonly [string, ...string[]];
}

export async function createNetns(cleanup: Cleanup): Promise<Netns> {
  // The pid keeps names unique per bed; veth names must stay within 15 characters.
  const name = `pib${process.pid}`;
  const hostIf = `${name}h`;
  const nsIf = `${name}n`;
  const subnet = await freeSubnet();
  const hostIp = `10.231.${subnet}.1`;
  const nsIp = `10.231.${subnet}.2`;
  try {
    await run("ip", ["netns", "add", name]);
  } catch (err) {
    throw new Error(
      `${(err as Error).message}\n(the bed runs as root to create a network namespace for the non-loopback TLS registry)`,
    );
  }
  cleanup.add(`delete network namespace ${name}`, () => run("ip", ["netns", "delete", name]).then(() => undefined));
  await run("ip", ["link", "add", hostIf, "type", "veth", "peer", "name", nsIf]);
  // Deleting the namespace destroys the pair; this covers a failure before the move.
  cleanup.add(`delete veth ${hostIf}`, async () => {
    await runRaw("ip", ["link", "delete", hostIf]);
  });
  await run("ip", ["link", "set", nsIf, "netns", name]);
  await run("ip", ["addr", "add", `${hostIp}/30`, "dev", hostIf]);
  await run("ip", ["link", "set", hostIf, "up"]);
  await run("ip", ["-n", name, "addr", "add", `${nsIp}/30`, "dev", nsIf]);
  await run("ip", ["-n", name, "link", "set", nsIf, "up"]);
  await run("ip", ["-n", name, "link", "set", "lo", "up"]);
  return { name, nsIp, hostIp, prefix: ["ip", "netns", "exec", name] };
}

/** The lowest N such that no interface has an address in 10.231.N.0/24. */
async function freeSubnet(): Promise<number> {
  const addrs = await run("ip", ["-4", "-o", "addr", "show"]);
  const used = new Set([...addrs.matchAll(/inet 10\.231\.(\d+)\./g)].map((m) => Number(m[1])));
  for (let n = 0; n < 256; n++) if (!used.has(n)) return n;
  throw new Error("test bed: every 10.231.N.0/24 subnet is in use; delete stale pib* network namespaces");
}
