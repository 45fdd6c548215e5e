import { multiSlotBackend } from '../cluster/multiSlotBackend.js';
import { splitBySlot } from '../cluster/splitBySlot.js';
import type { VotingBackend } from '../quorum/VotingBackend.js';
import type { ScriptClient } from '../redis/RedisClient.js';
import { ScriptRunner } from '../redis/ScriptRunner.js';
import type { AttemptRequest, AttemptResult, LockBackend } from './LockBackend.js';
import type { LockTarget } from '../keys/target.js';
import { SingleNodeBackend } from './SingleNodeBackend.js';

/**
 * A lock on a Redis Cluster. All keys of one user key share a slot, so a single-key lock is one script on one
 * master (as on a single Redis). A multi-key lock whose keys lie in several slots is taken slot by slot in
 * one round of parallel scripts, granted only when every slot granted (partial grants are deleted at once),
 * fenced with the highest slot fence, which a second parallel round writes to every slot before the lock is
 * returned (so a multi-slot grant costs two round trips), and extend and release push again. Scripts run through
 * EVALSHA with an EVAL fallback per node; MOVED and ASK are followed by ioredis; wake-ups use SPUBLISH.
 *
 * @example
 * ```ts
 * const locker = createLocker(new Cluster([{ host: '10.0.0.1', port: 7000 }]))
 * await locker.using(['account:1', 'account:2'], transfer)
 * ```
 */
export class ClusterBackend implements LockBackend {
  readonly sharded = true;
  /** Single-slot locks renew in batches per slot; a multi-slot lock renews on its own. */
  readonly batchesRenewals = true;
  readonly #single: SingleNodeBackend;
  readonly #multi: VotingBackend;

  /**
   * @param client - an ioredis Cluster.
   * @param commandTimeout - the bound of every command, in ms.
   * @param defaultTtl - the locker's ttl, for fence bookkeeping of a release whose lease this backend never saw.
   */
  constructor(client: ScriptClient, commandTimeout: number, defaultTtl: number) {
    this.#single = new SingleNodeBackend(client, commandTimeout);
    const runner = new ScriptRunner(client, commandTimeout);
    this.#multi = multiSlotBackend(() => runner, commandTimeout, defaultTtl);
  }

  attempt(request: AttemptRequest): Promise<AttemptResult> {
    return this.#route(request.target).attempt(request);
  }

  extend(target: LockTarget, token: string, ttl: number): Promise<boolean> {
    return this.#route(target).extend(target, token, ttl);
  }

  release(target: LockTarget, token: string, queued?: boolean): Promise<boolean> {
    return this.#route(target).release(target, token, queued);
  }

  abandon(target: LockTarget, token: string): Promise<boolean> {
    return this.#route(target).abandon(target, token);
  }

  /** A lock whose keys share one slot runs on one master as on a single Redis: it can take the counted modes. */
  supportsModes(target: LockTarget): boolean {
    return splitBySlot(target).length === 1;
  }

  #route(target: LockTarget): LockBackend {
    return splitBySlot(target).length > 1 ? this.#multi : this.#single;
  }
}
