import { MAX_KEY_BYTES } from '../validate.js';
import { RequestKeyError } from './RequestKeyError.js';
import type { RequestKey } from './RequestLockOptions.js';

/** What a key function's answer means: serve without a lock, lock these keys, or answer with an error. */
export type DerivedKeys =
  | { readonly type: 'skip' }
  | { readonly type: 'lock'; readonly keys: readonly string[] }
  | { readonly type: 'invalid'; readonly error: RequestKeyError };

/**
 * Checks a key function's answer. `params` are the route params the framework matched (`req.params`,
 * `ctx.params`): when there are none and the key is empty or contains `undefined`, the middleware was most
 * likely mounted with `app.use` while its key reads route params, and the error says so.
 */
export function deriveKeys(answer: RequestKey, params: unknown): DerivedKeys {
  if (answer === undefined || answer === false) return { type: 'skip' };
  const keys: readonly unknown[] = Array.isArray(answer) ? answer : [answer];
  if (!keys.every((key) => typeof key === 'string')) {
    return invalid(
      'ERR_LOCK_KEY_TYPE',
      'The lock key function must return a string, an array of strings, undefined or false.',
    );
  }
  const strings = keys;
  const unmounted = !hasRouteParams(params) && (strings.length === 0 || strings.some(looksUnmounted));
  if (unmounted) return { type: 'invalid', error: unmountedKeyError('is empty or contains "undefined"') };
  if (strings.length === 0 || strings.some((key) => key.length === 0)) {
    return invalid('ERR_LOCK_KEY_EMPTY', 'The lock key function returned an empty key.');
  }
  for (const key of strings) {
    if (!key.isWellFormed()) {
      return invalid('ERR_LOCK_KEY_INVALID', 'The resource name is not well-formed Unicode.');
    }
    if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) {
      return invalid(
        'ERR_LOCK_KEY_INVALID',
        `The resource name is too long to lock (over ${MAX_KEY_BYTES} bytes).`,
      );
    }
  }
  return { type: 'lock', keys: strings };
}

function looksUnmounted(key: string): boolean {
  return key.length === 0 || key.includes('undefined');
}

/** Whether the framework matched route params for this request (`req.params`, `ctx.params`). */
export function hasRouteParams(params: unknown): boolean {
  return typeof params === 'object' && params !== null && Object.keys(params).length > 0;
}

/** The misuse of a key function that reads route params on a middleware mounted with `app.use`. */
export function unmountedKeyError(symptom: string): RequestKeyError {
  return new RequestKeyError(
    'ERR_LOCK_KEY_UNMOUNTED',
    `The lock key ${symptom} and the request has no route params: the middleware seems to be mounted ` +
      'with app.use() while its key function reads route params. Mount it on the route instead, e.g. ' +
      "router.post('/orders/:id', lockRequests({ locker, key }), handler).",
  );
}

function invalid(code: RequestKeyError['code'], message: string): DerivedKeys {
  return { type: 'invalid', error: new RequestKeyError(code, message) };
}
