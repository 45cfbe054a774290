/**
 * The wait for a registry's answer once a blob is all sent
 * (src/core/answer-wait.ts), and how podman's connections tell "all sent"
 * from "stuck sending" (src/engine/socket-queues.ts).
 */
import { describe, expect, it } from "vitest";
import { ANSWER_MS_PER_MIB, ANSWER_WAIT_CAP_MS, answerWaitMs, waitText } from "../../src/core/answer-wait.ts";
import { parseTcpTable } from "../../src/engine/socket-queues.ts";

const MiB = 2 ** 20;

describe("answerWaitMs", () => {
  it("--stall-timeout for a body-less request; 1 s more per MiB of the blob", () => {
    expect(ANSWER_MS_PER_MIB).toBe(1000);
    expect(answerWaitMs(60_000, 0)).toBe(60_000);
    expect(answerWaitMs(60_000, 1)).toBe(61_000);
    expect(answerWaitMs(3_000, 200 * MiB)).toBe(203_000);
  });

  it("covers twice the 90-100 s that S3-backed registries took for a 200 MB layer (moby#53700)", () => {
    expect(answerWaitMs(60_000, 200e6) - 60_000).toBeGreaterThanOrEqual(2 * 95_000);
  });

  it("adds at most 30 minutes, however large the blob", () => {
    expect(ANSWER_WAIT_CAP_MS).toBe(30 * 60_000);
    expect(answerWaitMs(60_000, 50 * 1024 * MiB)).toBe(60_000 + ANSWER_WAIT_CAP_MS);
  });

  it("says a wait in minutes and seconds", () => {
    expect(waitText(45_000)).toBe("45s");
    expect(waitText(251_000)).toBe("4m11s");
    expect(waitText(60_000)).toBe("1m00s");
  });
});

describe("parseTcpTable", () => {
  const table = [
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
    "   0: 0100007F:9C40 0100007F:1F90 01 00000000:00000000 00:00000000 00000000  1000        0 4711 1 0 20 4 30 10 -1",
    "   1: 0100007F:9C41 0100007F:1F90 01 0001A000:00000000 01:00000014 00000000  1000        0 4712 1 0 20 4 30 10 -1",
    "",
  ].join("\n");

  it("reads each socket's inode, state and unsent bytes (tx_queue, hex)", () => {
    expect(parseTcpTable(table)).toEqual([
      { inode: "4711", state: "01", unsent: 0 },
      { inode: "4712", state: "01", unsent: 0x1a000 },
    ]);
  });
});
