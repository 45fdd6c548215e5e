/** Stable codes of {@link RequestKeyError}. */
export type RequestKeyErrorCode =
  'ERR_LOCK_KEY_UNMOUNTED' | 'ERR_LOCK_KEY_EMPTY' | 'ERR_LOCK_KEY_TYPE' | 'ERR_LOCK_KEY_INVALID';

/**
 * The key function of a request lock returned something unusable. `ERR_LOCK_KEY_INVALID` (a key from the
 * request that is too long or not well-formed Unicode) is the client's fault and answered 400; the other codes
 * are programming errors, answered 500:
 * - `ERR_LOCK_KEY_UNMOUNTED`: an empty or `undefined`-containing key while the request has no route params,
 *   the classic `app.use(lockRequests({ key: (req) => req.params.id }))`: mount the middleware per route;
 * - `ERR_LOCK_KEY_EMPTY`: an empty key (or an empty list of keys);
 * - `ERR_LOCK_KEY_TYPE`: neither a string, an array of strings, `undefined` nor `false`.
 *
 * @example
 * ```ts
 * if (error instanceof RequestKeyError && error.code === 'ERR_LOCK_KEY_UNMOUNTED') console.error(error.message)
 * ```
 */
export class RequestKeyError extends Error {
  constructor(
    readonly code: RequestKeyErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RequestKeyError';
  }

  /** The HTTP status this error is answered with: 400 for a bad key from the client, else 500. */
  get status(): 400 | 500 {
    return this.code === 'ERR_LOCK_KEY_INVALID' ? 400 : 500;
  }
}
