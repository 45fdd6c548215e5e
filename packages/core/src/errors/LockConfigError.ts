import { LockError } from './LockError.js';

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
  readonly code = 'ERR_LOCK_CONFIG' as const;
}
