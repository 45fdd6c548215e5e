import { brand } from '../brand.js';
import { LockError } from './LockError.js';

/**
 * A Redis command failed, timed out or could not be sent (the connection is down). `cause` holds the
 * underlying error when there is one.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof LockRedisError) res.status(503) }
 * ```
 */
export class LockRedisError extends LockError {
  static {
    brand(this, 'LockRedisError');
  }

  readonly code = 'ERR_LOCK_REDIS' as const;
}
