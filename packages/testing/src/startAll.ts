/** Something that can be stopped, such as a RedisServer. */
export interface Stoppable {
  stop(): Promise<void>;
}

/**
 * Stops all of `items` concurrently, waits for every one, and rethrows the first failure.
 */
export async function stopAll(items: Iterable<Stoppable>): Promise<void> {
  const results = await Promise.allSettled([...items].map((item) => item.stop()));
  const failure = results.find((result) => result.status === 'rejected');
  if (failure !== undefined) throw failure.reason;
}

/**
 * Starts `count` items concurrently. If any start fails, stops the ones that started and rethrows the
 * first failure, so nothing leaks.
 */
export async function startAll<T extends Stoppable>(count: number, start: () => Promise<T>): Promise<T[]> {
  const results = await Promise.allSettled(Array.from({ length: count }, start));
  const started = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failure = results.find((result) => result.status === 'rejected');
  if (failure !== undefined) {
    await stopAll(started);
    throw failure.reason;
  }
  return started;
}
