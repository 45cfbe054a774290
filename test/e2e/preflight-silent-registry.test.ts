/**
 * A registry that takes the connection and never answers (a hung process,
 * a proxy or load balancer holding the request): preflight waited a fixed
 * 21 s whatever --stall-timeout said, then called it unreachable (issue
 * 20). It now waits --stall-timeout and says the registry stopped answering.
 */
import { createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uniqueName } from "./helpers/bed.ts";
import { runCli } from "./helpers/cli.ts";
import { describeRun, EXIT, expectError } from "./helpers/expect-cli.ts";
import { expectNoTrace } from "./helpers/expect-registry.ts";

let silent: Server;
const sockets = new Set<Socket>();
let host = "";

beforeAll(async () => {
  // Accepts, reads whatever comes, and sends nothing back.
  silent = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.resume();
  });
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  const address = silent.address();
  host = `127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => silent.close(() => resolve()));
});

describe("a registry that never answers preflight", () => {
  it("--stall-timeout 2: REGISTRY_STALLED within seconds, saying it stopped answering", async () => {
    const path = uniqueName();
    const started = performance.now();
    const r = await runCli(["-r", `${host}/${path}`, "-c", "podman", "-t", "-i", "apim-le-cache", "--stall-timeout", "2"]);
    const seconds = (performance.now() - started) / 1000;

    const error = expectError(r, EXIT.failed, "REGISTRY_STALLED");
    expect(error).toContain(`${host} took the connection but stopped answering: nothing came back for 2s (--stall-timeout)`);
    expect(error).not.toContain("cannot reach");
    // The Harbor check (3 s) and the /v2/ probe (2 s), with room for a slow start, but not 21 s.
    expect(seconds, describeRun(r)).toBeLessThan(12);
    await expectNoTrace(path);
  });
});
