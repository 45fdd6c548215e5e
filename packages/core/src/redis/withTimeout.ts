import type { TimerQueue } from '../TimerQueue.js';

/**
 * Settles like `promise`, or rejects with `onTimeout()` once `ms` elapse first on the clock of `timers`, which
 * holds the deadline (no Node timer per call). The deadline is always dropped, and a late rejection of
 * `promise` is absorbed so it never becomes an unhandled rejection.
 */
export function withTimeout<T>(
  promise: Promise<T>,
  timers: TimerQueue,
  ms: number,
  onTimeout: () => Error,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const deadline = timers.add(timers.now() + ms, () => reject(onTimeout()));
    promise.then(
      (value) => {
        timers.cancel(deadline);
        resolve(value);
      },
      (error: unknown) => {
        timers.cancel(deadline);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
