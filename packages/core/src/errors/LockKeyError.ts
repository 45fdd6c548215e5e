import { brand } from '../brand.js';
import { LockConfigError } from './LockConfigError.js';

/**
 * Stable codes of {@link LockKeyError}: core's own checks give the first three; the request layer
 * (`@deadbolt/http`) adds the last three, about keys derived from an HTTP request.
 * - `ERR_LOCK_KEY_EMPTY`: an empty key or an empty list of keys;
 * - `ERR_LOCK_KEY_TYPE`: neither a string nor an array of strings;
 * - `ERR_LOCK_KEY_INVALID`: longer than `MAX_KEY_BYTES` (512) UTF-8 bytes, or not well-formed Unicode;
 * - `ERR_LOCK_KEY_UNMOUNTED`: a request key that is empty or contains `undefined` while the request has no route
 *   params (most likely a middleware mounted with `app.use` whose key reads route params);
 * - `ERR_LOCK_KEY_MISSING`: the key function returned `undefined` (a field the client omitted);
 * - `ERR_LOCK_KEY_LIMIT`: more distinct keys than the request lock's `maxKeys`.
 */
export type LockKeyErrorCode =
  | 'ERR_LOCK_KEY_EMPTY'
  | 'ERR_LOCK_KEY_TYPE'
  | 'ERR_LOCK_KEY_INVALID'
  | 'ERR_LOCK_KEY_UNMOUNTED'
  | 'ERR_LOCK_KEY_MISSING'
  | 'ERR_LOCK_KEY_LIMIT';

/**
 * A lock key was refused before any command was sent to Redis. A `LockConfigError` (as key errors always were),
 * with a code of its own per reason.
 *
 * @example
 * ```ts
 * try { await locker.acquire('') } catch (e) { if (e instanceof LockKeyError) console.log(e.code) } // ERR_LOCK_KEY_EMPTY
 * ```
 */
export class LockKeyError extends LockConfigError {
  static {
    brand(this, 'LockKeyError');
  }

  constructor(
    override readonly code: LockKeyErrorCode,
    message: string,
  ) {
    super(message);
  }
}
