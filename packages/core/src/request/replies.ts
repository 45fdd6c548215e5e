import type { RequestKeyError } from './RequestKeyError.js';
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

/** The key function's answer was unusable: 400 for a bad name from the client, 500 for a programming error. */
export function keyErrorReply(error: RequestKeyError): ProblemReply {
  const client = error.status === 400;
  return problemReply({
    type: client ? 'urn:deadbolt:problem:invalid-resource-name' : 'urn:deadbolt:problem:lock-misconfigured',
    title: client ? 'Invalid resource name' : 'Lock middleware misconfigured',
    status: error.status,
    detail: error.message,
    code: error.code,
  });
}
