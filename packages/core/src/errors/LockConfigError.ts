import { brand } from '../brand.js';
import { LockError } from './LockError.js';
import type { LockKeyErrorCode } from './LockKeyError.js';

/**
 * An option or key was refused before any command was sent to Redis. The message names the option and what it
 * accepts.
 *
 * @example
 * ```ts
 * createLocker(redis, { ttl: 0 }) // throws LockConfigError: "ttl" must be a positive integer ...
 * ```
 */
export class LockConfigError extends LockError {
  static {
    brand(this, 'LockConfigError');
  }

  /**
   * `ERR_LOCK_CONFIG`; a refused key is a {@link LockKeyError} with an `ERR_LOCK_KEY_*` code, a mode that does not
   * match the key's holders a `LockModeError` with `ERR_LOCK_MODE`.
   */
  readonly code: 'ERR_LOCK_CONFIG' | 'ERR_LOCK_MODE' | LockKeyErrorCode = 'ERR_LOCK_CONFIG';
}
