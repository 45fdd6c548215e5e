import { LockBusyError, LockKeyError, LockRedisError, QuorumError } from '@deadbolt/core';
import { isBranded } from '@deadbolt/core/validate';
import { busyReply, keyErrorReply, unavailableReply } from './replies.js';
import type { RequestLockOutcome } from './RequestLockOutcome.js';
import type { RequestLockShared } from './RequestLockShared.js';

/**
 * Maps a failed acquire to the request's outcome: busy (`statusCode`), Redis down (503, or proceed unlocked
 * with `failOpen`), a key core refused (400). Rethrows anything else.
 */
export function failureOutcome<Req>(
  error: unknown,
  keys: readonly string[],
  shared: RequestLockShared<Req>,
): RequestLockOutcome {
  const { config } = shared;
  if (isBranded(LockBusyError, error)) {
    const retryAfter = config.retryAfter({
      reason: 'busy',
      remaining: error.remaining,
      typicalHold: shared.holds.typicalHold,
      inLine: shared.holds.inLine(keys[0] ?? ''),
    });
    const reply = busyReply(config.statusCode, retryAfter);
    return {
      type: 'busy',
      info: { keys, remaining: error.remaining, waited: error.waited, retryAfter, reply },
    };
  }
  if (isBranded(LockRedisError, error) || isBranded(QuorumError, error)) {
    if (config.failOpen) {
      shared.outage.failed(error);
      return { type: 'proceed', lock: undefined };
    }
    return {
      type: 'reply',
      reply: unavailableReply(config.retryAfter({ reason: 'unavailable', remaining: -1 })),
    };
  }
  if (isBranded(LockKeyError, error)) return { type: 'reply', reply: keyErrorReply(error) };
  throw error;
}
