import { LockBusyError, LockConfigError, LockKeyError, LockRedisError, QuorumError } from '@deadbolt/core';
import { isBranded } from '@deadbolt/core/validate';
import { busyReply, keyErrorReply, misconfiguredReply, unavailableReply } from './replies.js';
import type { RequestLockOutcome } from './RequestLockOutcome.js';
import type { RequestLockShared } from './RequestLockShared.js';

/**
 * Maps a failed acquire to the request's outcome: busy (`statusCode`), Redis down (503, or proceed unlocked
 * with `failOpen`), a key core refused (400), a mode or limit core refused (500, see {@link configFailure}).
 * Rethrows anything else.
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
  if (isBranded(LockConfigError, error)) return configFailure(error, shared);
  throw error;
}

/**
 * A request the server's own configuration cannot lock: a mode or limit function's unusable answer, `mode` or
 * `limit` on a locker that supports only the exclusive lock (quorum, Cluster keys across slots), or a limit other
 * than the key's holders use (`ERR_LOCK_MODE`). Answered 500 problem+json with the error's code and not run;
 * reported to the logger once per middleware and code.
 */
export function configFailure<Req>(
  error: LockConfigError,
  shared: RequestLockShared<Req>,
): RequestLockOutcome {
  shared.misuse(error);
  return { type: 'reply', reply: misconfiguredReply(error.code) };
}
