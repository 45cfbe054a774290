/**
 * Runs jobs at most `concurrency` at a time, in plan order, and stops
 * handing out new ones once `stop()` says so (interrupt, broken plugin) or a
 * job throws. It settles only when every running job has: whatever follows
 * (removing temporary tags) must not race a job still at work.
 */
export async function runPool<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<R>,
  stop: () => boolean,
): Promise<R[]> {
  const results: R[] = [];
  const errors: unknown[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length && !stop() && errors.length === 0) {
      const item = items[next++] as T;
      try {
        results.push(await work(item));
      } catch (error) {
        errors.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  if (errors.length > 0) throw errors[0];
  return results;
}
