/**
 * Output that can no longer be written never stops a run. A pipe whose
 * reader has gone (`push-images ... 2>&1 | head -3`: EPIPE) or a terminal
 * that has gone (an ssh session dropped: EIO) makes each write fail with
 * an 'error' event; unheard, the first one would end the program halfway
 * through a push, with temporary tags and files left behind. Failed
 * writes are dropped instead, and the run goes on to its end and its exit
 * code.
 */

/** Drops the write errors of `streams` (stdout and stderr) from now on. */
export function dropFailedWrites(streams: readonly NodeJS.WritableStream[] = [process.stdout, process.stderr]): void {
  // Every write error, not only EPIPE and EIO: no error of a display is worth a half-done push.
  for (const stream of streams) stream.on("error", () => {});
}
