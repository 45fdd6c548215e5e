import { LockBusyError } from '../errors/LockBusyError.js';
import { LockConfigError } from '../errors/LockConfigError.js';
import { LockRedisError } from '../errors/LockRedisError.js';
import { QuorumError } from '../errors/QuorumError.js';
import { busyReply, keyErrorReply, unavailableReply } from './replies.js';
import { RequestKeyError } from './RequestKeyError.js';
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
  if (error instanceof LockBusyError) {
    const retryAfter = config.retryAfter({ reason: 'busy', remaining: error.remaining });
    const reply = busyReply(config.statusCode, retryAfter);
    return {
      type: 'busy',
      info: { keys, remaining: error.remaining, waited: error.waited, retryAfter, reply },
    };
  }
  if (error instanceof LockRedisError || error instanceof QuorumError) {
    if (config.failOpen) {
      shared.outage.failed(error);
      return { type: 'proceed', lock: undefined };
    }
    return {
      type: 'reply',
      reply: unavailableReply(config.retryAfter({ reason: 'unavailable', remaining: -1 })),
    };
  }
  if (error instanceof LockConfigError) {
    return {
      type: 'reply',
      reply: keyErrorReply(new RequestKeyError('ERR_LOCK_KEY_INVALID', error.message)),
    };
  }
  throw error;
}
