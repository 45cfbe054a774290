/** Free TCP ports on loopback, so parallel runs and other services never collide. */
import { createServer } from "node:net";

/**
 * Asks the kernel for a free port on 127.0.0.1 and releases it. Another
 * process could take it before we bind it; the registry start retries for that.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error("test bed: no free port"))));
    });
  });
}
