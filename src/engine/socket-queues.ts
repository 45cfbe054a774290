/**
 * Whether a process still has bytes to send: the kernel's send queues of
 * its TCP connections. A push whose connections hold nothing unsent (every
 * byte it wrote reached the registry and was acknowledged) and that reads
 * nothing back is waiting for the registry's answer; one with bytes queued
 * that do not drain is stuck sending. Read from /proc: the socket inodes
 * among /proc/PID/fd, and their `tx_queue` in /proc/PID/net/tcp and tcp6
 * (the process's own network namespace). The same user can read these for
 * its own processes, rootless podman's included (it keeps the user's uid
 * outside its user namespace).
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

/** What the connections of some processes show. */
export type SendState = "sending" | "all-sent" | "unknown";

/** TCP state ESTABLISHED, as /proc/net/tcp writes it. */
const ESTABLISHED = "01";

/** "sending" when an open connection of `pids` holds unsent bytes; "all-sent" when none does; "unknown" when none can be seen. */
export function sendState(pids: readonly number[]): SendState {
  const inodes = new Set(pids.flatMap(socketInodes));
  if (inodes.size === 0) return "unknown";
  let connections = 0;
  for (const { inode, state, unsent } of pids.length > 0 ? tcpSockets(pids[0] as number) : []) {
    if (!inodes.has(inode) || state !== ESTABLISHED) continue;
    connections += 1;
    if (unsent > 0) return "sending";
  }
  return connections > 0 ? "all-sent" : "unknown";
}

function socketInodes(pid: number): string[] {
  try {
    return readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
      try {
        return /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1] ?? [];
      } catch {
        // Closed meanwhile.
        return [];
      }
    });
  } catch {
    return [];
  }
}

/** The TCP sockets of `pid`'s network namespace: inode, state and bytes not yet acknowledged. */
function tcpSockets(pid: number): Array<{ inode: string; state: string; unsent: number }> {
  return ["tcp", "tcp6"].flatMap((file) => {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/net/${file}`, "utf8");
    } catch {
      return [];
    }
    return parseTcpTable(text);
  });
}

/** Rows of /proc/net/tcp: `sl local rem st tx_queue:rx_queue tr:when retrnsmt uid timeout inode ...`. */
export function parseTcpTable(text: string): Array<{ inode: string; state: string; unsent: number }> {
  return text
    .split("\n")
    .slice(1)
    .flatMap((line) => {
      const fields = line.trim().split(/\s+/);
      const [queues = "", inode = ""] = [fields[4], fields[9]];
      const state = fields[3] ?? "";
      if (!inode || !queues.includes(":")) return [];
      return [{ inode, state, unsent: Number.parseInt(queues.split(":")[0] ?? "0", 16) }];
    });
}
