/**
 * Settles like `promise`, or rejects with an `Error` of `message` once `ms` milliseconds passed (on an
 * unreferenced timer, cleared when `promise` settles first). A late settlement of `promise` is absorbed.
 *
 * @example
 * ```ts
 * await withinTimeout(client.connect(), 1_000, 'The wake-up subscriber did not connect within 1000 ms')
 * ```
 */
export async function withinTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
    timer.unref();
  });
  promise.catch(() => {}); // settling after the timeout is nobody's concern
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}
