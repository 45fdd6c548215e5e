import { brand } from '../brand.js';
import { LockError } from './LockError.js';

/**
 * The lock stayed held by someone else until `wait` ran out (or, for `wait: 0`, at the one attempt).
 *
 * @example
 * ```ts
 * try { await locker.acquire('order:42', { wait: 0 }) }
 * catch (e) { if (e instanceof LockBusyError) res.set('Retry-After', String(Math.ceil(e.remaining / 1000))) }
 * ```
 */
export class LockBusyError extends LockError {
  static {
    brand(this, 'LockBusyError');
  }

  readonly code = 'ERR_LOCK_BUSY' as const;

  /**
   * @param key - the user key that was busy
   * @param remaining - how long the current holder's lease still runs, in ms (as Redis reported it at the
   *   last attempt; `-1` when unknown, for example when only the wait queue blocked the attempt)
   * @param waited - how long this acquire waited, in ms
   */
  constructor(
    readonly key: string,
    readonly remaining: number,
    readonly waited: number,
  ) {
    super(
      `Lock "${key}" is busy` +
        (remaining >= 0 ? `: its holder's lease runs ${remaining} ms more` : ': other waiters are ahead') +
        ` (waited ${waited} ms)`,
    );
  }
}
