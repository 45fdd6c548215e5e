/** A promise with its resolve function, for ordering steps in tests without sleeps. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Resolves on the next `name` event of `emitter`. */
export function nextEvent<T>(
  emitter: { once(name: string, listener: (value: T) => void): unknown },
  name: string,
) {
  return new Promise<T>((resolve) => emitter.once(name, resolve));
}
