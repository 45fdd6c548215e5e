/** Stable machine-readable codes carried by every deadbolt error. */
export type LockErrorCode =
  | 'ERR_LOCK_BUSY'
  | 'ERR_LOCK_LOST'
  | 'ERR_LOCK_QUORUM'
  | 'ERR_LOCK_CONFIG'
  | 'ERR_LOCK_MODE'
  | 'ERR_LOCK_REDIS'
  | 'ERR_LOCK_REPLICAS'
  | LockKeyErrorCode;

import { brand } from '../brand.js';
import type { LockKeyErrorCode } from './LockKeyError.js';

/**
 * Base class of every error deadbolt throws. Match on `code` (stable across versions) rather than on the
 * message. Across copies of `@deadbolt/core` (its ES module and CommonJS builds in one program) match on
 * `code`: `instanceof` sees only its own copy's classes.
 *
 * @example
 * ```ts
 * try { await locker.acquire('order:42') } catch (e) { if (e instanceof LockError) log(e.code) }
 * ```
 */
export abstract class LockError extends Error {
  static {
    brand(this, 'LockError');
  }

  /** The stable code of this error class. */
  abstract readonly code: LockErrorCode;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}
