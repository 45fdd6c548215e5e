import { brand } from '../brand.js';
import { LockError } from './LockError.js';

/**
 * With the `replicas` option: a grant or a renewal was applied on the master, but fewer replicas than
 * `replicas.wait` acknowledged it within `replicas.timeout` (`WAIT`). An acquire rejects with it after releasing
 * the grant (owner-checked), so an unconfirmed grant is never returned; a renewal that fails with it counts as a
 * failed renewal (retried; the lock is told lost if none is confirmed before its deadline), and `lock.extend()`
 * rejects with it.
 *
 * @example
 * ```ts
 * try { await locker.acquire('order:42') }
 * catch (e) { if (e instanceof LockReplicationError) log.warn(`${e.acknowledged}/${e.required} replicas`) }
 * ```
 */
export class LockReplicationError extends LockError {
  static {
    brand(this, 'LockReplicationError');
  }

  readonly code = 'ERR_LOCK_REPLICAS' as const;

  /**
   * @param key - the user key whose grant or renewal was not confirmed
   * @param required - `replicas.wait`: how many replicas had to acknowledge
   * @param acknowledged - how many did within `replicas.timeout`
   */
  constructor(
    readonly key: string,
    readonly required: number,
    readonly acknowledged: number,
  ) {
    super(
      `Lock "${key}": ${acknowledged} of the ${required} required replicas acknowledged the write in time; it is not trusted`,
    );
  }
}
