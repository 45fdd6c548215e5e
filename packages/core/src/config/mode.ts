import { LockConfigError } from '../errors/LockConfigError.js';
import { describe } from './validate.js';

/**
 * Largest `limit` of a semaphore: one of up to a million permits per key.
 *
 * @example
 * ```ts
 * await locker.acquire('uploads', { limit: MAX_LIMIT }) // the largest; MAX_LIMIT + 1 throws LockConfigError
 * ```
 */
export const MAX_LIMIT = 1_000_000;

/**
 * The mode of an acquire, as the suffix of its owner token: `''` exclusive (the mutex), `~s` a read share
 * (`shared: true`), `~N` one of N permits (`limit: N`). The token carries its mode so that every script, the
 * queue and the backend know it without another argument or key; owner tokens never contain `~` otherwise.
 *
 * A key locked in a counted mode keeps its holders in a sorted set (`lease:holders`, scored by each holder's
 * lease deadline in server time, pruned by every script) and the marker `~s` or `~N` in its lease, which the
 * mutex's scripts see as a lease held by someone else: an exclusive acquire waits for every permit or share.
 * Exclusive, shared and permit waiters share the key's FIFO queue (see `scripts/modesLua.ts`).
 *
 * @example
 * ```ts
 * modeSuffix(undefined, undefined) // ''
 * modeSuffix(4, undefined) // '~4'
 * modeSuffix(undefined, true) // '~s'
 * ```
 */
export function modeSuffix(limit: unknown, shared: unknown): string {
  if (shared !== undefined && typeof shared !== 'boolean') {
    throw new LockConfigError(`"shared" must be a boolean, got ${describe(shared)}.`);
  }
  if (limit === undefined) return shared === true ? '~s' : '';
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new LockConfigError(`"limit" must be an integer from 1 to ${MAX_LIMIT}, got ${describe(limit)}.`);
  }
  if (shared === true) {
    throw new LockConfigError(
      '"shared" and "limit" cannot be combined: a key is either a read-write lock or a semaphore.',
    );
  }
  return `~${limit}`;
}

/**
 * Whether an owner token was made for a counted mode (a permit or a read share), rather than the mutex.
 *
 * @example
 * ```ts
 * isModeToken('k3f9AbCd.secret~4') // true
 * ```
 */
export function isModeToken(token: string): boolean {
  return token.includes('~');
}
