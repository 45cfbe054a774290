/**
 * Starts a lookup for every item at once, at most `concurrency` running at
 * a time, in the items' order; each item's answer is handed out when its
 * job asks for it. The up-to-date check of every target is made this way as
 * the pushes start, so no image waits its own round trip to the registry
 * before its push. Once `stop()` says so (interrupt), no new lookup starts.
 */
export function lookAhead<T>(
  items: readonly string[],
  lookUp: (item: string) => Promise<T>,
  concurrency: number,
  stop: () => boolean,
): (item: string) => Promise<T> | undefined {
  const answers = new Map<string, Promise<T>>();
  const settle = new Map<string, (answer: Promise<T>) => void>();
  for (const item of new Set(items)) answers.set(item, new Promise<T>((resolve) => settle.set(item, resolve)));
  const queue = [...settle.keys()];
  const lane = async () => {
    for (let item = queue.shift(); item !== undefined && !stop(); item = queue.shift()) {
      const answer = lookUp(item);
      settle.get(item)?.(answer);
      // A failed lookup is its job's to handle; the lane goes on.
      await answer.catch(() => undefined);
    }
  };
  for (let i = 0; i < Math.min(concurrency, queue.length); i++) void lane();
  return (item) => answers.get(item);
}
