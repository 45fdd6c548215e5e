import { LockConfigError, MAX_LIMIT } from '@deadbolt/core';
import { describe } from '@deadbolt/core/validate';
import type { RequestMode } from './RequestLockOptions.js';

/**
 * What a request passes to `locker.acquire` besides `wait`/`ttl`: a read share, one of N permits, or nothing (the
 * exclusive lock).
 *
 * @example
 * ```ts
 * const mode: AcquireMode = { limit: 2 } // at most 2 requests on the key at once
 * ```
 */
export type AcquireMode = { readonly shared: true } | { readonly limit: number } | undefined;

/**
 * A request's acquire mode, computed per request, or the `LockConfigError` that a mode or limit function answered
 * something unusable; `undefined` in the config when every request is exclusive.
 *
 * @example
 * ```ts
 * const modeOf: ModeOf<Request> = () => ({ shared: true })
 * ```
 */
export type ModeOf<Req> = (request: Req) => AcquireMode | LockConfigError;

const SHARED = { shared: true } as const;

/**
 * Resolves `mode` and `limit` once, when the middleware is created, into the per-request function the session
 * calls, or `undefined` when neither is given (then a request does no extra work). Throws `LockConfigError` for a
 * value that is neither allowed nor a function, and for `limit` with a `mode` other than `'exclusive'`: a key is
 * either a read-write lock or a semaphore, and a mode function could answer `'shared'`.
 *
 * @example
 * ```ts
 * const modeOf = resolveModeOf({ mode: (req: Request) => (req.method === 'GET' ? 'shared' : 'exclusive') })
 * modeOf?.(request) // { shared: true } for a GET, undefined (exclusive) otherwise
 * ```
 */
export function resolveModeOf<Req>(options: {
  readonly mode?: RequestMode | ((request: Req) => RequestMode) | undefined;
  readonly limit?: number | ((request: Req) => number) | undefined;
}): ModeOf<Req> | undefined {
  const { mode, limit } = options;
  if (limit !== undefined) {
    if (mode !== undefined && mode !== 'exclusive') {
      throw new LockConfigError(
        `"limit" cannot be combined with "mode" ${typeof mode === 'function' ? 'as a function' : describe(mode)}: a key is either a read-write lock or a semaphore (omit "mode", or use 'exclusive').`,
      );
    }
    if (typeof limit === 'function') {
      return (request) => limitMode(limit(request), 'the "limit" function returned');
    }
    const fixed = limitMode(limit, '"limit" got');
    if (fixed instanceof LockConfigError) throw fixed;
    return () => fixed;
  }
  if (mode === undefined || mode === 'exclusive') return undefined;
  if (mode === 'shared') return () => SHARED;
  if (typeof mode !== 'function') {
    throw new LockConfigError(
      `"mode" must be 'exclusive', 'shared' or a function of the request returning one of them, got ${describe(mode)}.`,
    );
  }
  return (request) => {
    const answer: unknown = mode(request);
    if (answer === 'shared') return SHARED;
    if (answer === 'exclusive') return undefined;
    return new LockConfigError(
      `The "mode" function must return 'exclusive' or 'shared' (synchronously), but returned ${describe(answer)}.`,
    );
  };
}

/** `{ limit }` for an integer from 1 to `MAX_LIMIT`, else the error that names the value. */
function limitMode(value: unknown, said: string): AcquireMode | LockConfigError {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_LIMIT) {
    return { limit: value };
  }
  return new LockConfigError(
    `"limit" must be an integer from 1 to ${MAX_LIMIT} (at most that many requests on a resource at once), but ${said} ${describe(value)}.`,
  );
}
