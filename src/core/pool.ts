/**
 * Runs jobs at most `concurrency` at a time, in the order given, and stops
 * handing out new ones once `stop()` says so (interrupt, broken plugin) or a
 * job throws. A job starts only once the jobs `waitsFor` names have ended
 * (whatever their outcome): the first ready job in order goes next. It
 * settles only when every running job has: whatever follows (removing
 * temporary tags) must not race a job still at work.
 */
export async function runPool<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<R>,
  stop: () => boolean,
  waitsFor: (item: T) => readonly T[] = () => [],
): Promise<R[]> {
  const results: R[] = [];
  const errors: unknown[] = [];
  const pending = [...items];
  const inPool = new Set(items);
  const ended = new Set<T>();
  let running = 0;
  let wakeUps: Array<() => void> = [];
  // A job waiting for one outside the pool, or (never planned) in a circle, must not hang the run.
  const ready = () => pending.findIndex((item) => waitsFor(item).every((other) => ended.has(other) || !inPool.has(other)));
  const next = () => {
    const index = ready();
    return index >= 0 ? index : running === 0 ? 0 : -1;
  };
  const worker = async () => {
    while (pending.length > 0 && !stop() && errors.length === 0) {
      const index = next();
      if (index < 0) {
        await new Promise<void>((resolve) => wakeUps.push(resolve));
        continue;
      }
      const [item] = pending.splice(index, 1) as [T];
      running += 1;
      try {
        results.push(await work(item));
      } catch (error) {
        errors.push(error);
      } finally {
        running -= 1;
        ended.add(item);
        const waking = wakeUps;
        wakeUps = [];
        for (const wake of waking) wake();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  if (errors.length > 0) throw errors[0];
  return results;
}
