/**
 * The push order by layers. A layer that several images carry is pushed by
 * one of them first ("the carrier"); the others wait for that push to end,
 * then find the layer at the registry (podman's blob-info cache or dockerd's
 * layer check mounts it) instead of compressing and uploading it again.
 * Images that share nothing with a running push never wait.
 */

/** The order pushes start in, and what each waits for. */
export interface LayerSchedule<T> {
  /** Every item once: carriers first, in the order they were chosen, then the others in plan order. */
  readonly order: readonly T[];
  /** The carriers an item waits for (none for most): those that push layers it shares. */
  readonly waitsFor: ReadonlyMap<T, readonly T[]>;
  /** The shared layers each carrier pushes first. */
  readonly carries: ReadonlyMap<T, readonly string[]>;
}

/**
 * Chooses carriers greedily: the item with the most shared layers no carrier
 * has yet (ties: more sharers, then plan order) takes all of them. An item
 * waits only for carriers chosen before it, so nothing waits in a circle.
 */
export function scheduleByLayers<T>(items: readonly T[], layersOf: (item: T) => readonly string[]): LayerSchedule<T> {
  const layers = new Map(items.map((item) => [item, new Set(layersOf(item))]));
  const sharers = new Map<string, number>();
  for (const set of layers.values()) for (const layer of set) sharers.set(layer, (sharers.get(layer) ?? 0) + 1);
  const unclaimed = new Set([...sharers].filter(([, count]) => count > 1).map(([layer]) => layer));

  const carries = new Map<T, readonly string[]>();
  while (unclaimed.size > 0) {
    const claim = (item: T) => [...(layers.get(item) ?? [])].filter((layer) => unclaimed.has(layer));
    const weight = (item: T) => claim(item).reduce((sum, layer) => sum + (sharers.get(layer) ?? 0), 0);
    const better = (item: T, than: T) => claim(item).length - claim(than).length || weight(item) - weight(than);
    let best: T | undefined;
    for (const item of items) {
      if (carries.has(item) || claim(item).length === 0) continue;
      if (best === undefined || better(item, best) > 0) best = item;
    }
    // Every unclaimed layer has two carriers or more, so some item always claims one.
    if (best === undefined) break;
    const claimed = claim(best);
    carries.set(best, claimed);
    for (const layer of claimed) unclaimed.delete(layer);
  }

  const carrierOf = new Map<string, T>();
  for (const [carrier, claimed] of carries) for (const layer of claimed) carrierOf.set(layer, carrier);
  const waitsFor = new Map<T, readonly T[]>();
  for (const item of items) {
    const carriers = new Set<T>();
    for (const layer of layers.get(item) ?? []) {
      const carrier = carrierOf.get(layer);
      if (carrier !== undefined && carrier !== item) carriers.add(carrier);
    }
    waitsFor.set(item, [...carriers]);
  }
  const order = [...carries.keys(), ...items.filter((item) => !carries.has(item))];
  return { order, waitsFor, carries };
}
