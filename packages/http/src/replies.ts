import type { LockKeyError } from '@deadbolt/core';
import { problemReply, type ProblemReply } from './problem.js';

/** The resource is locked by another request and the wait ran out (or `wait` is 0). */
export function busyReply(status: number, retryAfter: number): ProblemReply {
  return problemReply(
    {
      type: 'urn:deadbolt:problem:resource-busy',
      title: 'Resource busy',
      status,
      detail: `Another request is working on this resource. Retry after ${retryAfter} s.`,
      code: 'ERR_LOCK_BUSY',
    },
    retryAfter,
  );
}

/** Redis could not be reached, so the request was not run (fail closed). */
export function unavailableReply(retryAfter: number): ProblemReply {
  return problemReply(
    {
      type: 'urn:deadbolt:problem:lock-unavailable',
      title: 'Lock service unavailable',
      status: 503,
      detail: 'The lock store cannot be reached, so the request was not run. Retry later.',
      code: 'ERR_LOCK_REDIS',
    },
    retryAfter,
  );
}

/** The lock was lost while the handler ran, before it answered. */
export function lockLostReply(retryAfter: number): ProblemReply {
  return problemReply(
    {
      type: 'urn:deadbolt:problem:lock-lost',
      title: 'Lock lost',
      status: 503,
      detail:
        'The lock protecting this resource was lost before the request completed; its effect is unknown. ' +
        'Check the resource before retrying.',
      code: 'ERR_LOCK_LOST',
    },
    retryAfter,
  );
}

/**
 * The request lock's configuration cannot lock this request (mode or limit, see `configFailure`): 500. The detail
 * stays generic (the logger gets the error); `code` is the error's (`ERR_LOCK_CONFIG`, `ERR_LOCK_MODE`).
 */
export function misconfiguredReply(code: string): ProblemReply {
  return problemReply({
    type: 'urn:deadbolt:problem:lock-misconfigured',
    title: 'Lock misconfigured',
    status: 500,
    detail: "The server's lock settings for this resource cannot lock this request, so it was not run.",
    code,
  });
}

/**
 * The key derived from the request was unusable (`LockKeyError`): 400, whatever the code, since the key comes from
 * the client's request. The code tells why (`ERR_LOCK_KEY_EMPTY`, `_TYPE`, `_INVALID`, `_UNMOUNTED`, `_MISSING`,
 * `_LIMIT`).
 */
export function keyErrorReply(error: LockKeyError): ProblemReply {
  return problemReply({
    type: 'urn:deadbolt:problem:invalid-resource-name',
    title: 'Invalid resource name',
    status: 400,
    detail: error.message,
    code: error.code,
  });
}
