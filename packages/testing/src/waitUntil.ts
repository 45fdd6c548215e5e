import { setTimeout as delay } from 'node:timers/promises';

/**
 * Options of {@link waitUntil}.
 *
 * @example
 * ```ts
 * const options: WaitUntilOptions = { timeoutMs: 2000, intervalMs: 10, description: 'the replica to sync' };
 * ```
 */
export interface WaitUntilOptions {
  /** Give up after this many milliseconds. Default: 5000. */
  timeoutMs?: number;
  /** Pause between two checks, in milliseconds. Default: 25. */
  intervalMs?: number;
  /** What is awaited, used in the timeout error message. Default: `'condition'`. */
  description?: string;
}

/**
 * Bounded polling: calls `condition` until it returns (or resolves to) `true`, waiting `intervalMs`
 * between calls. A check that throws counts as "not yet"; its error is reported if the wait times out.
 *
 * @throws Error when `timeoutMs` elapses first.
 *
 * @example
 * ```ts
 * await waitUntil(async () => (await client.get('k')) === null, { timeoutMs: 2000, description: 'k expired' });
 * ```
 */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  options: WaitUntilOptions = {},
): Promise<void> {
  const { timeoutMs = 5000, intervalMs = 25, description = 'condition' } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      if (await condition()) return;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${description}${cause}`, {
        cause: lastError,
      });
    }
    await delay(Math.min(intervalMs, Math.max(0, deadline - Date.now())));
  }
}
