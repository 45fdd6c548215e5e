import { LockKeyError, type LockKeyErrorCode } from '@deadbolt/core';
import { isBranded, validateKeys } from '@deadbolt/core/validate';
import type { RequestKey } from './RequestLockOptions.js';

/** What a key function's answer means: serve without a lock, lock these keys, or answer 400 with the error. */
export type DerivedKeys =
  | { readonly type: 'skip' }
  | { readonly type: 'lock'; readonly keys: readonly string[] }
  | { readonly type: 'invalid'; readonly error: LockKeyError };

/** The answer that skips locking; one frozen object for all. */
const SKIP: DerivedKeys = Object.freeze({ type: 'skip' });

/** The key rules of one request lock (see `maxKeys` and `onMissingKey` in `RequestLockOptions`). */
export interface KeyRules {
  readonly maxKeys: number;
  readonly onMissingKey: 'reject' | 'skip';
}

/**
 * Checks a key function's answer with core's one key check (`validateKeys`), plus the request's own rules.
 * Everything here comes from the client's request, so every refusal is a `LockKeyError` answered 400:
 * `false` skips locking; `undefined` (a field the client omitted) is `ERR_LOCK_KEY_MISSING` unless
 * `onMissingKey: 'skip'`; more than `maxKeys` distinct keys is `ERR_LOCK_KEY_LIMIT`. `params` are the route
 * params the framework matched (`req.params`, `ctx.params`): when there are none and a key is empty or contains
 * `undefined`, the middleware was most likely mounted with `app.use` while its key reads route params, and the
 * error (`ERR_LOCK_KEY_UNMOUNTED`) says so; `params` may also be a function that lists them, called with `request`
 * only then (see {@link hasRouteParams}).
 */
export function deriveKeys(
  answer: RequestKey,
  params: unknown,
  rules: KeyRules,
  request?: unknown,
): DerivedKeys {
  if (answer === false) return SKIP;
  if (answer === undefined) {
    if (rules.onMissingKey === 'skip') return SKIP;
    return invalid(
      'ERR_LOCK_KEY_MISSING',
      'The request does not name the resource to lock (the key function returned undefined).',
    );
  }
  // The cheap look at the key first: the route params are only listed for a key that looks unmounted.
  const suspicious = Array.isArray(answer)
    ? answer.length === 0 || answer.some(looksUnmounted)
    : looksUnmounted(answer);
  if (suspicious && !hasRouteParams(params, request)) {
    return { type: 'invalid', error: unmountedKeyError('is empty or contains "undefined"') };
  }
  let keys: readonly string[];
  try {
    keys = validateKeys(answer);
  } catch (error) {
    if (isBranded(LockKeyError, error)) return { type: 'invalid', error };
    throw error;
  }
  if (keys.length > rules.maxKeys) {
    return invalid(
      'ERR_LOCK_KEY_LIMIT',
      `The request names ${keys.length} resources to lock; at most ${rules.maxKeys} are allowed (maxKeys).`,
    );
  }
  return { type: 'lock', keys };
}

function looksUnmounted(key: unknown): boolean {
  return typeof key === 'string' && (key.length === 0 || key.includes('undefined'));
}

/**
 * Whether the framework matched route params for this request (`req.params`, `ctx.params`). `params` may also
 * be a function that lists them, called with `request` (Hono's `(c) => c.req.param()`, one function for every
 * request), and only when a key looks unmounted.
 */
export function hasRouteParams(params: unknown, request?: unknown): boolean {
  const listed: unknown =
    typeof params === 'function' ? (params as (request: unknown) => unknown)(request) : params;
  return typeof listed === 'object' && listed !== null && Object.keys(listed).length > 0;
}

/** The likely misuse of a key function that reads route params on a middleware mounted with `app.use`. */
export function unmountedKeyError(symptom: string): LockKeyError {
  return new LockKeyError(
    'ERR_LOCK_KEY_UNMOUNTED',
    `The lock key ${symptom} and the request has no route params: either the request lacks the field the key ` +
      'is built from, or the middleware is mounted with app.use() while its key function reads route params. ' +
      "Mount it on the route instead, e.g. router.post('/orders/:id', lockRequests({ locker, key }), handler).",
  );
}

function invalid(code: LockKeyErrorCode, message: string): DerivedKeys {
  return { type: 'invalid', error: new LockKeyError(code, message) };
}
