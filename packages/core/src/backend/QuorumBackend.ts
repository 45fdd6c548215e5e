import { QuorumError } from '../errors/QuorumError.js';
import { majority } from '../quorum/majority.js';
import { quorumNodeTimeout } from '../quorum/nodeTimeout.js';
import { VotingBackend, type VotingPart } from '../quorum/VotingBackend.js';
import type { ScriptClient } from '../redis/RedisClient.js';
import { ScriptRunner } from '../redis/ScriptRunner.js';
import type { AttemptRequest, AttemptResult, LockBackend } from './LockBackend.js';
import type { LockTarget } from '../keys/target.js';

/**
 * A lock on N independent masters (Redlock): granted when a majority (`floor(N/2) + 1`) granted within the
 * per-node timeout (`quorumNodeTimeout`), decided as soon as the majority is reached or out of reach. A failed
 * attempt deletes its partial grants on every node. Extend succeeds iff a majority extended; release resolves
 * `true` iff a majority released. When failing nodes (not busy ones) keep a majority out of reach, the
 * operation rejects with `QuorumError` (per-node detail). The fence is the highest fence among the granting
 * nodes, and every extend and release pushes it to all nodes (see docs/topologies.md for the guarantee).
 *
 * @example
 * ```ts
 * const locker = createLocker([new Redis(6380), new Redis(6381), new Redis(6382)])
 * ```
 */
export class QuorumBackend implements LockBackend {
  readonly sharded = false;
  readonly #voting: VotingBackend;

  /**
   * @param clients - one connection per independent master, at least 2.
   * @param commandTimeout - upper bound of every per-node timeout, in ms (default 1000 in the locker options).
   * @param defaultTtl - the locker's ttl, used for the timeout of a release whose lease this backend never saw.
   */
  constructor(clients: readonly ScriptClient[], commandTimeout: number, defaultTtl: number) {
    const runners = clients.map((client) => new ScriptRunner(client, commandTimeout));
    this.#voting = new VotingBackend(
      {
        sharded: false,
        parts: (target: LockTarget): VotingPart[] =>
          runners.map((runner, node) => ({ node, runner, target })),
        required: majority,
        timeout: (ttl) => quorumNodeTimeout(ttl, commandTimeout),
        failure: (message, nodes) => new QuorumError(`Quorum not reached: ${message}`, nodes),
        // Every grant takes the master's clock as a floor (see docs/topologies.md); no second round trip.
        confirmFence: false,
      },
      defaultTtl,
    );
  }

  attempt(request: AttemptRequest): Promise<AttemptResult> {
    return this.#voting.attempt(request);
  }

  extend(target: LockTarget, token: string, ttl: number): Promise<boolean> {
    return this.#voting.extend(target, token, ttl);
  }

  release(target: LockTarget, token: string, queued?: boolean): Promise<boolean> {
    return this.#voting.release(target, token, queued);
  }

  abandon(target: LockTarget, token: string): Promise<boolean> {
    return this.#voting.abandon(target, token);
  }

  /** @internal How many tokens the backend keeps bookkeeping for (leases held, attempts in flight); for tests. */
  get trackedLeases(): number {
    return this.#voting.trackedLeases;
  }
}
