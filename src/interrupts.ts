/**
 * Ctrl-C and SIGTERM while a command runs: the handler stops what is
 * running; the command then ends on its own with exit code 130.
 */
export async function whileInterruptible<T>(onSignal: (signal: string) => void, work: () => Promise<T>): Promise<T> {
  const stop = (signal: NodeJS.Signals) => onSignal(signal);
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  try {
    return await work();
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
}
