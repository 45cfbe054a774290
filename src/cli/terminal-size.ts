/**
 * A terminal's size as it reports it, or unknown. Some terminals (serial
 * consoles, `docker exec -t` before the size is set) report 0 columns and 0
 * rows: taken at their word, every line is wrapped to nothing.
 */

/** Columns of `stream`, or undefined when it does not say (not a terminal, or 0). */
export function reportedColumns(stream: NodeJS.WriteStream): number | undefined {
  return stream.columns > 0 ? stream.columns : undefined;
}

/** `stream` with a size of 0 reported as no size, so a renderer falls back to its default width and height. */
export function withoutZeroSize(stream: NodeJS.WriteStream): NodeJS.WriteStream {
  return new Proxy(stream, {
    get(target, property) {
      if ((property === "columns" || property === "rows") && !(target[property] > 0)) return undefined;
      const value: unknown = Reflect.get(target, property, target);
      // Methods run on the stream itself: a Proxy as `this` breaks its internals.
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/**
 * The width human lines are fitted to, read again at each call (a resize
 * changes it): stderr's when it is a terminal that draws (not TERM=dumb,
 * which gets the plain lines), 80 when it reports 0; undefined elsewhere,
 * where lines stay whole for scripts.
 */
export function fittingColumns(stream: NodeJS.WriteStream = process.stderr, env = process.env): (() => number) | undefined {
  if (!drawsOn(stream, env)) return undefined;
  return () => reportedColumns(stream) ?? DEFAULT_COLUMNS;
}

/** A terminal that moves the cursor: live lines are drawn on it. */
export function drawsOn(stream: NodeJS.WriteStream = process.stderr, env = process.env): boolean {
  return stream.isTTY === true && env.TERM !== "dumb";
}

/** Taken for a terminal that reports 0 columns, as log-update does. */
export const DEFAULT_COLUMNS = 80;
