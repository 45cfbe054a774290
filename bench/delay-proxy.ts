/**
 * A TCP proxy on loopback that makes the registry look distant: every
 * chunk is forwarded `oneWayMs` after it arrived, in order, in both
 * directions, and a new connection can carry data only after one round
 * trip (the TCP handshake a real link would cost). Bandwidth is not
 * limited: the bench measures round trips, not a thin pipe.
 * It stops itself after `lifetimeMs`, so a bench that dies cannot leave it.
 */
import { createServer, connect, type Socket } from "node:net";
import type { Cleanup } from "./cleanup.ts";

export interface DelayProxy {
  readonly host: string;
  /** Connections accepted so far: how many round trips of setup the client paid. */
  readonly connections: () => number;
  stop(): Promise<void>;
}

export interface DelayProxyOptions {
  readonly target: { host: string; port: number };
  readonly oneWayMs: number;
  readonly lifetimeMs: number;
}

export function startDelayProxy({ target, oneWayMs, lifetimeMs }: DelayProxyOptions): Promise<DelayProxy> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  // Half-open sockets: an end that arrives must wait its delay like data,
  // not cut off what is still queued the other way.
  const server = createServer({ allowHalfOpen: true }, (client) => {
    accepted += 1;
    // The client's connect() returned at once; on a real link its first byte
    // could leave only after the handshake's round trip.
    const handshakeDone = performance.now() + 2 * oneWayMs;
    const upstream = connect({ port: target.port, host: target.host, allowHalfOpen: true });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.setNoDelay(true);
      socket.once("close", () => sockets.delete(socket));
      // Either side failing ends the pair, as a broken link would.
      socket.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    forward(client, upstream, oneWayMs, handshakeDone);
    forward(upstream, client, oneWayMs, 0);
  });

  const stop = () =>
    new Promise<void>((resolve) => {
      clearTimeout(deadline);
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  const deadline = setTimeout(() => void stop(), lifetimeMs);
  deadline.unref();

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      resolve({ host: `127.0.0.1:${port}`, connections: () => accepted, stop });
    });
  });
}

/**
 * Delays `from`'s data (and its end) by `delayMs` on the way to `to`. One
 * queue and one timer per direction keep the order; a full `to` pauses `from`.
 */
function forward(from: Socket, to: Socket, delayMs: number, notBefore: number): void {
  const queue: { due: number; chunk: Buffer | null }[] = [];
  let timer: NodeJS.Timeout | undefined;
  let paused = false;
  const pump = () => {
    timer = undefined;
    const now = performance.now();
    while (queue.length > 0 && (queue[0]?.due ?? Infinity) <= now) {
      const { chunk } = queue.shift() as { chunk: Buffer | null };
      if (to.destroyed) return;
      if (chunk === null) {
        to.end();
      } else if (!to.write(chunk) && !paused) {
        paused = true;
        from.pause();
        to.once("drain", () => {
          paused = false;
          from.resume();
        });
      }
    }
    const next = queue[0];
    if (next) timer = setTimeout(pump, Math.max(0, next.due - performance.now()));
  };
  const enqueue = (chunk: Buffer | null) => {
    queue.push({ due: Math.max(performance.now(), notBefore) + delayMs, chunk });
    timer ??= setTimeout(pump, Math.max(0, (queue[0]?.due ?? 0) - performance.now()));
  };
  from.on("data", (chunk: Buffer) => enqueue(chunk));
  from.once("end", () => enqueue(null));
  from.once("close", () => {
    // A clean end drains the queue first; a reset resets the other side at once.
    if (from.readableEnded) return;
    if (timer) clearTimeout(timer);
    to.destroy();
  });
}

/** Puts a delay proxy (stopped by `cleanup`) in front of the registry at `registryHost` and returns the proxy's host. */
export async function behindDelayProxy(registryHost: string, oneWayMs: number, cleanup: Cleanup): Promise<string> {
  const [ip, port] = registryHost.split(":");
  const proxy = await startDelayProxy({
    target: { host: ip ?? "127.0.0.1", port: Number(port) },
    oneWayMs,
    lifetimeMs: 15 * 60_000,
  });
  cleanup.add(`stop delay proxy ${proxy.host}`, () => proxy.stop());
  return proxy.host;
}
