import type { ReplicaConfirmer } from '../replicas/ReplicaConfirmer.js';
import type { AttemptRequest, AttemptResult, LockBackend } from './LockBackend.js';
import type { LockTarget } from '../keys/target.js';

/**
 * The `replicas` option over a single-node backend: a grant, and each extend, is returned only after
 * {@link ReplicaConfirmer} confirmed it on the same connection. An unconfirmed grant rejects the attempt with
 * `LockReplicationError` (the acquire loop then releases it, owner-checked, before the acquire rejects); an
 * unconfirmed extend rejects, which renewal counts as a failed renewal. Hand-overs are turned off: a lease that a
 * release grants to a waiter is written by the releaser's connection, whose `WAIT` the waiter cannot make, so
 * each waiter takes the lock with its own attempt.
 *
 * @example
 * ```ts
 * const backend = new ReplicatedBackend(new SingleNodeBackend(redis, 1_000), confirmer)
 * ```
 */
export class ReplicatedBackend implements LockBackend {
  readonly sharded: boolean;
  readonly #inner: LockBackend;
  readonly #confirmer: ReplicaConfirmer;

  constructor(inner: LockBackend, confirmer: ReplicaConfirmer) {
    this.#inner = inner;
    this.#confirmer = confirmer;
    this.sharded = inner.sharded;
  }

  async attempt(request: AttemptRequest): Promise<AttemptResult> {
    const result = await this.#inner.attempt({ ...request, handOver: false });
    if (result.granted) await this.#confirmer.confirm(request.target.keys[0] ?? '');
    return result;
  }

  /** The renewal step (a batched renewal confirms once per batch script, after it answered). */
  async extend(target: LockTarget, token: string, ttl: number): Promise<boolean> {
    const extended = await this.#inner.extend(target, token, ttl);
    if (extended) await this.#confirmer.confirm(target.keys[0] ?? '');
    return extended;
  }

  /** Permits and read shares where the inner backend takes them: their grants and extends are confirmed alike. */
  supportsModes(target: LockTarget): boolean {
    return this.#inner.supportsModes?.(target) === true;
  }

  release(target: LockTarget, token: string, queued?: boolean, contended?: boolean): Promise<boolean> {
    return this.#inner.release(target, token, queued, contended);
  }

  abandon(target: LockTarget, token: string): Promise<boolean> {
    return this.#inner.abandon(target, token);
  }
}
