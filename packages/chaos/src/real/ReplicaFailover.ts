import type { RedisReplicaSet, RedisServer } from '@deadbolt/testing';

/**
 * The `failover` fault of the `replicated` topology (a master and one replica): replication to the replica is held
 * back for a while, so that what the master acknowledged meanwhile reaches only the master, and then the replica is
 * promoted (`REPLICAOF NO ONE`, see `RedisReplicaSet.promote`); what it had not received is lost, and the old
 * master follows it. One failover at a time; {@link settled} waits for the one under way.
 *
 * @example
 * ```ts
 * const failover = new ReplicaFailover(set)
 * failover.start(300, (master) => proxies.forEach((p) => p.retarget(master.port)))
 * await failover.settled()
 * ```
 */
export class ReplicaFailover {
  readonly #set: RedisReplicaSet;
  #running: Promise<void> | undefined;

  constructor(set: RedisReplicaSet) {
    this.#set = set;
  }

  /**
   * Holds replication back for `holdMs`, then promotes the replica and calls `promoted` with the new master.
   * Returns `false` (and does nothing) while a failover is under way or the replica is down.
   */
  start(holdMs: number, promoted: (master: RedisServer) => void): boolean {
    const [replica] = this.#set.replicas;
    if (this.#running || !replica?.running || replica.paused) return false;
    this.#set.holdReplication(replica);
    this.#running = (async () => {
      await new Promise((resolve) => setTimeout(resolve, holdMs));
      promoted(await this.#set.promote(replica));
    })().finally(() => {
      this.#running = undefined;
    });
    return true;
  }

  /** Waits for the failover under way, if any, and for the replica to have everything the master has. */
  async settled(): Promise<void> {
    await this.#running?.catch(() => {});
    await this.#set.synced();
  }
}
