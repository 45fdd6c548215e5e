import { setTimeout as sleep } from 'node:timers/promises';
import { withinTimeout } from '../driver/withinTimeout.js';
import { LockRedisError } from '../errors/LockRedisError.js';
import type { ScriptClient } from '../redis/RedisClient.js';
import type { WaitingClient } from '../replicas/ReplicaConfirmer.js';
import { type Redirection, redirectDelay } from './redirection.js';

/** One node's connection of an ioredis Cluster (an ioredis `Redis`), as deadbolt reads it. */
export interface NodeClient extends WaitingClient {
  readonly status: string;
  readonly options: { readonly host?: string; readonly port?: number };
}

/**
 * An ioredis or iovalkey `Cluster`, as far as reaching the master of a slot directly needs it: its slot map
 * (`slots[slot][0]` is the master's `host:port`), its node connections, and its slot-map refresh.
 */
export interface NodeRoutedCluster extends ScriptClient {
  readonly slots: readonly (readonly string[] | undefined)[];
  nodes(role: 'all'): NodeClient[];
  refreshSlotsCache(callback: (error?: Error | null) => void): void;
  connect(): Promise<void>;
  once(event: 'ready', listener: () => void): unknown;
}

/** Whether `client` is a Cluster whose node connections can be reached (ioredis, iovalkey). */
export function isNodeRoutedCluster(client: ScriptClient): client is NodeRoutedCluster {
  const shape = client as Partial<NodeRoutedCluster>;
  return (
    client.isCluster === true &&
    Array.isArray(shape.slots) &&
    typeof shape.nodes === 'function' &&
    typeof shape.refreshSlotsCache === 'function' &&
    typeof shape.connect === 'function'
  );
}

/**
 * The connection to the master of a slot of an ioredis Cluster, by the client's own slot map: for commands that
 * must run on one node's connection in order (a script, then `WAIT` on the same socket). Waits, bounded by
 * `timeout`, for the Cluster's first slot map; {@link SlotMasters.after} finds the master to try after a
 * redirection.
 *
 * @example
 * ```ts
 * const masters = new SlotMasters(cluster, 1_000)
 * const node = await masters.master(clusterSlot('deadbolt:{order:42}'))
 * ```
 */
export class SlotMasters {
  readonly #cluster: NodeRoutedCluster;
  readonly #timeout: number;
  /** The first `ready` of the Cluster, shared by every caller waiting for it (one listener). */
  #ready: Promise<void> | undefined;

  constructor(cluster: NodeRoutedCluster, timeout: number) {
    this.#cluster = cluster;
    this.#timeout = timeout;
  }

  /** The master connection of `slot` by the current slot map, without waiting; none while the Cluster is not ready. */
  known(slot: number): NodeClient | undefined {
    return this.#cluster.status === 'ready' ? this.#lookUp(slot) : undefined;
  }

  /** The master connection of `slot`. @throws LockRedisError when none is known within the timeout. */
  async master(slot: number): Promise<NodeClient> {
    const cluster = this.#cluster;
    if (cluster.status !== 'ready') await this.#whenReady();
    const known = this.#lookUp(slot);
    if (known) return known;
    await this.refresh();
    const refreshed = this.#lookUp(slot);
    if (refreshed) return refreshed;
    throw new LockRedisError(`Redis Cluster: no master is known for slot ${slot}`);
  }

  /**
   * The master connection to try `slot` on after `tries` tries redirected, the last with `redirection`, or none
   * when the pause before the next try ({@link redirectDelay}) would end at or after `deadline` (on
   * `performance.now()`). A `MOVED` to a node the client is connected to is followed (the slot map is reloaded
   * meanwhile, unawaited), as ioredis does: during a failover a reloaded map can still name the old master for
   * a while, whereas the old master's `MOVED` names the new one. Anything else pauses, reloads the slot map
   * (bounded by `deadline`) and tries the master it names (`current` while it names none).
   */
  async after(
    slot: number,
    redirection: Redirection,
    tries: number,
    deadline: number,
    current: NodeClient,
  ): Promise<NodeClient | undefined> {
    const delay = redirectDelay(redirection, tries);
    if (performance.now() + delay >= deadline) return undefined;
    if (delay > 0) await sleep(delay);
    const named = redirection.kind === 'MOVED' ? this.#node(redirection.to) : undefined;
    if (named) {
      this.#cluster.refreshSlotsCache(() => undefined);
      return named;
    }
    await this.refresh(Math.max(0, deadline - performance.now()));
    return this.#lookUp(slot) ?? current;
  }

  /** Reloads the slot map: resolves once it is reloaded, or after `timeout` ms (default: the command timeout). */
  async refresh(timeout = this.#timeout): Promise<void> {
    const reloaded = new Promise<void>((resolve) => this.#cluster.refreshSlotsCache(() => resolve()));
    await withinTimeout(reloaded, Math.min(timeout, this.#timeout), 'slot map not reloaded').catch(
      () => undefined,
    );
  }

  #lookUp(slot: number): NodeClient | undefined {
    return this.#node(this.#cluster.slots[slot]?.[0]);
  }

  /** The client's connection to the node `host:port`, if it has one. */
  #node(key: string | undefined): NodeClient | undefined {
    if (key === undefined) return undefined;
    return this.#cluster.nodes('all').find(({ options }) => `${options.host}:${options.port}` === key);
  }

  async #whenReady(): Promise<void> {
    const cluster = this.#cluster;
    if (cluster.status === 'end' || cluster.status === 'close') {
      throw new LockRedisError(`Redis Cluster is not connected (connection ${cluster.status})`);
    }
    const ready = (this.#ready ??= new Promise<void>((resolve) =>
      cluster.once('ready', () => {
        this.#ready = undefined;
        resolve();
      }),
    ));
    if (cluster.status === 'wait') cluster.connect().catch(() => undefined);
    try {
      await withinTimeout(ready, this.#timeout, `Redis Cluster was not ready within ${this.#timeout} ms`);
    } catch (error) {
      throw new LockRedisError((error as Error).message, { cause: error });
    }
  }
}
