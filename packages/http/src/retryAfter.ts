import { INITIAL_HOLD_ESTIMATE_MS } from './HoldEstimate.js';
import type { RetryAfterInfo } from './RequestLockOptions.js';

/**
 * The default `Retry-After`, in whole seconds: when a client that retries can expect the lock.
 *
 * - Busy: `typicalHold × (inLine + 1)`, the requests still in line ahead of a retry plus the current holder,
 *   each holding for the moving estimate of this locker's request holds (1 s before any hold ended); capped by
 *   the holder's remaining lease when it is known (a holder that renews is still working, and one that stopped
 *   renewing is gone by then); rounded up to whole seconds and at least 1.
 * - Redis down (and a lock lost mid-request): 1.
 *
 * Holders of about 200 ms, nobody else in line: 1. Holders of 2.5 s: 3, unless the holder's lease ends
 * sooner.
 *
 * @example
 * ```ts
 * defaultRetryAfter({ reason: 'busy', remaining: 9_800, typicalHold: 200, inLine: 0 }) // 1
 * defaultRetryAfter({ reason: 'busy', remaining: 9_800, typicalHold: 2_500, inLine: 3 }) // 10 (the lease)
 * ```
 */
export function defaultRetryAfter(info: RetryAfterInfo): number {
  if (info.reason !== 'busy') return 1;
  const expected = (info.typicalHold ?? INITIAL_HOLD_ESTIMATE_MS) * ((info.inLine ?? 0) + 1);
  const capped = info.remaining > 0 ? Math.min(expected, info.remaining) : expected;
  return Math.max(1, Math.ceil(Math.round(capped) / 1_000));
}
