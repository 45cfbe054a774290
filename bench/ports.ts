/** Free TCP ports on loopback, so bench runs never collide with each other or with a test bed. */
import { createServer } from "node:net";

/** Asks the kernel for a free port on 127.0.0.1 and releases it; callers retry if someone takes it first. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error("no free port on 127.0.0.1"))));
    });
  });
}
