import { LockRedisError, type Lock } from '@deadbolt/core';
import type { RequestLockShared } from './RequestLockShared.js';

/**
 * A store call may take this much longer than `wait` before the request gets 503 anyway, in ms: a request whose
 * Redis stalls is answered within `wait + STORE_GRACE_MS`.
 *
 * @example
 * ```ts
 * const worstCase = options.wait + STORE_GRACE_MS // the longest a request waits for its 503 while Redis stalls
 * ```
 */
export const STORE_GRACE_MS = 5_000;

/**
 * One request's acquire of `keys`. With `wait: 0` one attempt, no signal. Otherwise the client's leaving (`stop`) aborts
 * the wait, but not the first attempt: that is one round trip bounded by the locker's commandTimeout, and
 * skipping its abort listener keeps the common uncontended request cheap (a grant answering after the client
 * left is released by the locker). A guard timer answers 503 if Redis stalls past `wait + STORE_GRACE_MS`.
 * While it runs, the request counts as in line for its first key (see `defaultRetryAfter`).
 */
export async function takeLock<Req>(
  shared: RequestLockShared<Req>,
  keys: readonly string[],
  stop: AbortController | undefined,
): Promise<Lock> {
  const { config, holds } = shared;
  const { locker, ttl, wait } = config;
  const lease = ttl === undefined ? {} : { ttl };
  const line = keys[0] ?? '';
  holds.enter(line);
  const guard =
    stop !== undefined && Number.isFinite(wait)
      ? setTimeout(
          () => stop.abort(new LockRedisError('Redis did not answer in time')),
          wait + STORE_GRACE_MS,
        )
      : undefined;
  try {
    return await (stop === undefined
      ? locker.acquire(keys, { ...lease, wait: 0 })
      : locker.acquire(keys, { ...lease, wait, signal: stop.signal, interruptFirstAttempt: false }));
  } finally {
    clearTimeout(guard);
    holds.leave(line);
  }
}
