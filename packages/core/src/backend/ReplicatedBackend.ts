import type { ScriptClient } from '../redis/RedisClient.js';
import type { ReplicaConfirmer } from '../replicas/ReplicaConfirmer.js';
import type { AttemptRequest, AttemptResult, LockBackend } from './LockBackend.js';
import type { LockTarget } from '../keys/target.js';
import { type LocalWakeup, SingleNodeBackend } from './SingleNodeBackend.js';

/**
 * The `replicas` option over a single-node backend: a grant, and each renewal, is trusted only after
 * {@link ReplicaConfirmer} confirmed it on the same connection. An unconfirmed grant rejects the attempt with
 * `LockReplicationError` (the acquire loop then releases it, owner-checked, before the acquire rejects).
 * Renewals batch as without the option: one renewal script per batch, then one `WAIT` for the batch; an
 * extended lease the replicas did not confirm rejects its own extend, which renewal counts as a failed
 * renewal (a lease no longer ours is lost as without the option). Hand-overs are turned off: a lease that a
 * release grants to a waiter is written by the releaser's connection, whose `WAIT` the waiter cannot make, so
 * each waiter takes the lock with its own attempt.
 *
 * @example
 * ```ts
 * const backend = new ReplicatedBackend(redis, 1_000, new ReplicaConfirmer(redis, { wait: 1, timeout: 50 }, 1_000))
 * ```
 */
export class ReplicatedBackend implements LockBackend {
  readonly sharded: boolean;
  readonly batchesRenewals = true;
  readonly #inner: SingleNodeBackend;
  readonly #confirmer: ReplicaConfirmer;

  /** Same parameters as {@link SingleNodeBackend}, and the confirmer on the same connection as `client`. */
  constructor(
    client: ScriptClient,
    commandTimeout: number,
    confirmer: ReplicaConfirmer,
    wakeLocally?: LocalWakeup,
  ) {
    this.#inner = new SingleNodeBackend(client, commandTimeout, wakeLocally, (renewals, extended) =>
      confirmer.confirmRenewals(renewals, extended),
    );
    this.#confirmer = confirmer;
    this.sharded = this.#inner.sharded;
  }

  async attempt(request: AttemptRequest): Promise<AttemptResult> {
    const result = await this.#inner.attempt({ ...request, handOver: false });
    if (result.granted) await this.#confirmer.confirm(request.target.keys[0] ?? '');
    return result;
  }

  /** Joins the next renewal batch; the batch's `WAIT` confirms it (see `ReplicaConfirmer.confirmRenewals`). */
  extend(target: LockTarget, token: string, ttl: number): Promise<boolean> {
    return this.#inner.extend(target, token, ttl);
  }

  /** Permits and read shares, as on one Redis: their grants and extends are confirmed alike. */
  supportsModes(): boolean {
    return this.#inner.supportsModes();
  }

  release(target: LockTarget, token: string, queued?: boolean, contended?: boolean): Promise<boolean> {
    return this.#inner.release(target, token, queued, contended);
  }

  abandon(target: LockTarget, token: string): Promise<boolean> {
    return this.#inner.abandon(target, token);
  }
}
