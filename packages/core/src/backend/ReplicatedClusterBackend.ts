import { clusterSlot } from '../cluster/clusterSlot.js';
import { multiSlotBackend } from '../cluster/multiSlotBackend.js';
import { redirectionOf } from '../cluster/redirection.js';
import { type NodeClient, type NodeRoutedCluster, SlotMasters } from '../cluster/SlotMasters.js';
import { splitBySlot } from '../cluster/splitBySlot.js';
import { LockRedisError } from '../errors/LockRedisError.js';
import type { LockTarget } from '../keys/target.js';
import type { PartRunner, VotingBackend } from '../quorum/VotingBackend.js';
import type { ScriptClient } from '../redis/RedisClient.js';
import type { Script } from '../redis/Script.js';
import { ScriptRunner } from '../redis/ScriptRunner.js';
import { ReplicaConfirmer } from '../replicas/ReplicaConfirmer.js';
import type { ReplicaConfig } from '../replicas/replicasOption.js';
import { CONFIRM_FENCE } from '../scripts/confirmFence.js';
import { QUORUM_EXTEND } from '../scripts/quorumExtend.js';
import type { AttemptRequest, AttemptResult, LockBackend } from './LockBackend.js';
import { ReplicatedBackend } from './ReplicatedBackend.js';
import { SingleNodeBackend } from './SingleNodeBackend.js';

/** What this backend keeps per master connection: the scripts and `WAIT`s it sends there, on that socket. */
interface MasterConnection {
  readonly runner: ScriptRunner;
  readonly confirmer: ReplicaConfirmer;
  /** Single-slot grants and renewal batches of this master, each confirmed by a `WAIT` after its script. */
  readonly backend: ReplicatedBackend;
}

/**
 * The `replicas` option on an ioredis (or iovalkey) Cluster. A write that must be confirmed (a grant, a renewal
 * batch; for a lock across slots, each slot's fence confirmation and extend) is sent on the connection to its
 * slot's master, found in the client's slot map, and `WAIT` follows on that same connection, so it counts that
 * master's replicas (see {@link ReplicatedBackend} for what a confirmation means). A lock across slots is
 * trusted only once every involved master confirmed. A redirection (`MOVED`, `ASK`, `TRYAGAIN`, `CLUSTERDOWN`,
 * `READONLY`: the script did not run) is followed, with a growing pause and slot map reloads
 * ({@link SlotMasters.after}), for as long as the operation's own bound allows: a grant attempt or a renewal its
 * `ttl` (a grant known later would not be valid), one slot's step of a lock across slots its command timeout.
 * Then it fails with `LockRedisError` (`ERR_LOCK_REDIS`), which an acquire rejects with after cleaning up;
 * never with a grant that was not confirmed. Releases need no confirmation and go through the Cluster client,
 * which follows redirections itself. Renewals batch per master and slot, one `WAIT` per batch.
 *
 * @example
 * ```ts
 * const backend = new ReplicatedClusterBackend(cluster, 1_000, 10_000, { wait: 1, timeout: 50 })
 * ```
 */
export class ReplicatedClusterBackend implements LockBackend {
  readonly sharded = true;
  readonly batchesRenewals = true;
  readonly #masters: SlotMasters;
  readonly #replicas: ReplicaConfig;
  readonly #commandTimeout: number;
  /** Releases (and the scripts that need no confirmation): through the Cluster client. */
  readonly #plain: SingleNodeBackend;
  readonly #clusterRunner: ScriptRunner;
  readonly #multi: VotingBackend;
  readonly #connections = new WeakMap<NodeClient, MasterConnection>();

  /**
   * @param cluster - an ioredis or iovalkey Cluster.
   * @param commandTimeout - the bound of every command, in ms (a `WAIT`: `replicas.timeout` more).
   * @param defaultTtl - the locker's ttl, for fence bookkeeping of a release whose lease this backend never saw.
   */
  constructor(
    cluster: NodeRoutedCluster,
    commandTimeout: number,
    defaultTtl: number,
    replicas: ReplicaConfig,
  ) {
    this.#masters = new SlotMasters(cluster, commandTimeout);
    this.#replicas = replicas;
    this.#commandTimeout = commandTimeout;
    this.#plain = new SingleNodeBackend(cluster, commandTimeout);
    this.#clusterRunner = new ScriptRunner(cluster, commandTimeout);
    this.#multi = multiSlotBackend((part) => this.#partRunner(part), commandTimeout, defaultTtl);
  }

  attempt(request: AttemptRequest): Promise<AttemptResult> {
    if (isMultiSlot(request.target)) return this.#multi.attempt(request);
    return this.#onMaster(request.target, request.ttl, (master) => master.backend.attempt(request));
  }

  extend(target: LockTarget, token: string, ttl: number): Promise<boolean> {
    if (isMultiSlot(target)) return this.#multi.extend(target, token, ttl);
    return this.#onMaster(target, ttl, (master) => master.backend.extend(target, token, ttl));
  }

  release(target: LockTarget, token: string, queued?: boolean, contended?: boolean): Promise<boolean> {
    if (isMultiSlot(target)) return this.#multi.release(target, token, queued);
    return this.#plain.release(target, token, queued, contended);
  }

  abandon(target: LockTarget, token: string): Promise<boolean> {
    if (isMultiSlot(target)) return this.#multi.abandon(target, token);
    return this.#plain.abandon(target, token);
  }

  /** A lock whose keys share one slot runs on one master as on a single Redis: it can take the counted modes. */
  supportsModes(target: LockTarget): boolean {
    return !isMultiSlot(target);
  }

  /**
   * Runs `send` on the connection to the master of `target`'s slot; after a redirection (the script did not
   * run there), again where {@link SlotMasters.after} says, until `bound` ms have passed since the first try.
   * @throws LockRedisError naming the slot and the last redirection, once the bound leaves no time for a try.
   */
  async #onMaster<T>(
    target: LockTarget,
    bound: number,
    send: (master: MasterConnection) => Promise<T>,
  ): Promise<T> {
    const slot = clusterSlot(target.leases[0] ?? '');
    const began = performance.now();
    // Known at once (the common case): sent in this turn, so renewals due together still share a batch.
    let master = this.#masters.known(slot) ?? (await this.#masters.master(slot));
    for (let tries = 1; ; tries += 1) {
      try {
        return await send(this.#connection(master));
      } catch (error) {
        const redirection = redirectionOf(error);
        if (!redirection) throw error;
        const next = await this.#masters.after(slot, redirection, tries, began + bound, master);
        if (!next) {
          const spent = Math.round(performance.now() - began);
          throw new LockRedisError(
            `Redis Cluster: slot ${slot} was still redirected after ${tries} tries in ${spent} ms ` +
              `(bound ${bound} ms; last: ${redirection.reply})`,
            { cause: error },
          );
        }
        master = next;
      }
    }
  }

  /**
   * One slot's runner of a lock across slots: its fence confirmation and its extend go to the slot's master
   * and, when they answer 1 (still ours, written), are confirmed by `WAIT` there (which also covers the grant
   * the same connection wrote before); every other script goes through the Cluster client.
   */
  #partRunner(part: LockTarget): PartRunner {
    const key = part.keys[0] ?? '';
    return {
      run: (script: Script, keys, args, timeout, who, retry) => {
        if (!confirms(script)) return this.#clusterRunner.run(script, keys, args, timeout, who, retry);
        return this.#onMaster(part, timeout ?? this.#commandTimeout, async ({ runner, confirmer }) => {
          const reply = await runner.run(script, keys, args, timeout, who);
          if (reply === 1) await confirmer.confirm(key);
          return reply;
        });
      },
    };
  }

  #connection(node: NodeClient): MasterConnection {
    let connection = this.#connections.get(node);
    if (!connection) {
      const confirmer = new ReplicaConfirmer(node, this.#replicas, this.#commandTimeout);
      const scripts = slotScripts(node);
      connection = {
        runner: new ScriptRunner(scripts, this.#commandTimeout),
        confirmer,
        backend: new ReplicatedBackend(scripts, this.#commandTimeout, confirmer),
      };
      this.#connections.set(node, connection);
    }
    return connection;
  }
}

function isMultiSlot(target: LockTarget): boolean {
  return splitBySlot(target).length > 1;
}

/** The scripts of a lock across slots that write what must be confirmed. */
function confirms(script: Script): boolean {
  return script === CONFIRM_FENCE || script === QUORUM_EXTEND;
}

/**
 * A master's connection seen as one slot's: scripts publish with SPUBLISH and renewals batch by slot (Redis
 * refuses a script whose keys lie in several slots), as on the Cluster client.
 */
function slotScripts(node: NodeClient): ScriptClient {
  return {
    isCluster: true,
    get status() {
      return node.status;
    },
    evalsha: (sha, numKeys, ...args) => node.evalsha(sha, numKeys, ...args),
    eval: (script, numKeys, ...args) => node.eval(script, numKeys, ...args),
    wait: (replicas, timeout) => node.wait(replicas, timeout),
    ...(node.once && { once: (event: 'ready', listener: () => void) => node.once?.(event, listener) }),
  };
}
