/**
 * A thin uplink on loopback: a TCP proxy in front of a registry that lets
 * the bytes a client sends through at `bytesPerSecond`, shared by all its
 * connections as one link is; answers come back at full speed. A push
 * through it lasts as long as a large push over a slow line, with small
 * test data. The Host header is untouched, so the upload URLs the registry
 * hands out point back at the link.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { createServer, connect, type Socket } from "node:net";
import { Transform } from "node:stream";

export interface SlowUplink {
  /** `127.0.0.1:<port>`: what -r names to go through the link. */
  host: string;
  close: () => Promise<void>;
}

/** Slices this long in time: smooth enough that no upload waits out another's burst. */
const SLICE_MS = 50;

export async function startSlowUplink(target: string, bytesPerSecond: number): Promise<SlowUplink> {
  const { hostname, port } = new URL(`http://${target}`);
  const sockets = new Set<Socket>();
  let linkFreeAt = 0;
  // The time the link is busy until, once `bytes` more are queued on it.
  const reserve = (bytes: number) => {
    linkFreeAt = Math.max(performance.now(), linkFreeAt) + (bytes / bytesPerSecond) * 1000;
    return linkFreeAt;
  };
  const sliceBytes = Math.max(1, Math.floor((bytesPerSecond * SLICE_MS) / 1000));

  const server = createServer((client) => {
    const upstream = connect({ host: hostname, port: Number(port) });
    const uplink = new Transform({
      async transform(chunk: Buffer, _encoding, done) {
        for (let at = 0; at < chunk.length; at += sliceBytes) {
          const slice = chunk.subarray(at, at + sliceBytes);
          await sleep(Math.max(0, reserve(slice.length) - performance.now()));
          this.push(slice);
        }
        done();
      },
    });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.once("close", () => sockets.delete(socket));
      // Either end failing ends the pair, as a broken line would.
      socket.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(uplink).pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  return {
    host: `127.0.0.1:${typeof address === "object" && address ? address.port : 0}`,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
