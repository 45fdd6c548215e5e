import { brand } from '../brand.js';
import { LockError } from './LockError.js';

/**
 * Why a held lock can no longer be trusted:
 * - `expired`: the local deadline passed before the lease was confirmed again (no renewal, or Redis unreachable);
 * - `stolen`: Redis answered that the lease is no longer ours (it expired on the server and may be held by another);
 * - `closed`: the locker was closed while the lock was held.
 */
export type LockLostReason = 'expired' | 'stolen' | 'closed';

/**
 * The holder can no longer trust that it holds the lock. `lock.signal` aborts with this error as its reason.
 *
 * @example
 * ```ts
 * lock.signal.addEventListener('abort', () => console.warn(lock.signal.reason)) // LockLostError
 * ```
 */
export class LockLostError extends LockError {
  static {
    brand(this, 'LockLostError');
  }

  readonly code = 'ERR_LOCK_LOST' as const;

  constructor(
    readonly key: string,
    readonly reason: LockLostReason,
    options?: ErrorOptions,
  ) {
    super(`Lock "${key}" was lost (${reason})`, options);
  }
}
