import type { Lock, LockKey } from '@deadbolt/core';
import type { AcquireStop } from './AcquireStops.js';
import type { ExclusiveAcquireOptions } from './ExclusiveAcquireOptions.js';
import type { RequestLockConfig } from './RequestLockConfig.js';
import type { AcquireMode } from './requestMode.js';

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
 * One request's acquire of `keys`. With `wait: 0` (no `stop`) one attempt, no signal. Otherwise `stop` (see
 * `AcquireStops`) aborts the wait when the client leaves, but not the first attempt: that is one round trip
 * bounded by the locker's commandTimeout, and skipping its abort listener keeps the common uncontended request
 * cheap (a grant answering after the client left is released by the locker). `stop`'s guard answers 503 if
 * Redis stalls past `wait + STORE_GRACE_MS`. `mode` (see `RequestLockOptions.mode` and `limit`) takes a read
 * share or a permit instead of the exclusive lock; an exclusive acquire's options come from `exclusive`, built
 * once per middleware and signal. Not an async function: the locker's own promise is returned,
 * without another promise and turn per request; the session counts the request as in line for its first key
 * while this runs (see `defaultRetryAfter`).
 */
export function takeLock(
  config: AcquireSettings,
  exclusive: ExclusiveAcquireOptions,
  keys: readonly string[],
  stop: AcquireStop | undefined,
  mode: AcquireMode = undefined,
): Promise<Lock> {
  // One key goes as itself: core validates a list by copying it through a Set and sorting it.
  const key = keys.length === 1 ? (keys[0] as string) : keys;
  return mode === undefined
    ? config.locker.acquire(key, exclusive.of(stop))
    : acquireIn(mode, config, key, stop);
}

/** What an acquire reads of the config. */
type AcquireSettings = Pick<RequestLockConfig<unknown>, 'locker' | 'ttl' | 'wait'>;

/** A read share or a permit (`mode`), with the same wait, ttl and signal as an exclusive acquire. */
function acquireIn(
  mode: NonNullable<AcquireMode>,
  config: AcquireSettings,
  keys: LockKey,
  stop: AcquireStop | undefined,
) {
  const { locker, ttl, wait } = config;
  const signal = stop === undefined ? undefined : { signal: stop.signal, interruptFirstAttempt: false };
  return locker.acquire(keys, { ...mode, wait, ...(ttl === undefined ? {} : { ttl }), ...signal });
}
