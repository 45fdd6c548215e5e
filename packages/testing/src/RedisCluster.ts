import { Cluster, type ClusterOptions } from 'ioredis';
import { ClusterAdmin } from './ClusterAdmin.js';
import { killAndFailOver, manualFailover, replicasOf } from './clusterFailover.js';
import { ignoreError, testClusterOptions } from './clientOptions.js';
import { assertSlot, parseClusterNodes, slotMaster } from './clusterTopology.js';
import { RedisServer } from './RedisServer.js';
import type { RedisServerOptions } from './RedisServerOptions.js';
import { startAll, stopAll } from './startAll.js';

/**
 * Options of {@link RedisCluster.start}; the server options apply to every node.
 *
 * @example
 * ```ts
 * const options: RedisClusterOptions = { masters: 3, replicas: 1, startTimeoutMs: 20000 };
 * ```
 */
export interface RedisClusterOptions extends Omit<RedisServerOptions, 'port' | 'cluster'> {
  /** Number of masters; the 16384 slots are split evenly between them. Default: 3. */
  masters?: number;
  /** Replicas per master. Default: 0. */
  replicas?: number;
}

/**
 * Replicas sync at once, and masters ping them every second so their replication offset becomes non-zero
 * quickly (Redis 7 lists a replica in CLUSTER SLOTS only then).
 */
const FAST_REPLICATION_ARGS = ['--repl-diskless-sync-delay', '0', '--repl-ping-replica-period', '1'];

/**
 * A real local Redis Cluster (cluster-enabled redis-servers, slots assigned with ADDSLOTSRANGE,
 * joined with CLUSTER MEET). start() resolves once every node reports cluster_state:ok and all nodes
 * agree on the slot map. `servers` lists the masters first (servers[i] owns the i-th slot range),
 * then the replicas.
 *
 * @example
 * ```ts
 * await using cluster = await RedisCluster.start();
 * const client = cluster.client();
 * await client.set('{user:1}:name', 'ada');
 * await cluster.migrateSlot(Number(await client.cluster('KEYSLOT', '{user:1}:name')), 1);
 * ```
 */
export class RedisCluster implements AsyncDisposable {
  /** All nodes: masters first (in slot order), then replicas. */
  readonly servers: RedisServer[];
  /** `{ host, port }` of every node, usable as ioredis startup nodes. */
  readonly nodes: { host: string; port: number }[];
  readonly #admin: ClusterAdmin;
  readonly #clients = new Set<Cluster>();
  #stopping: Promise<void> | undefined;

  private constructor(servers: RedisServer[], timeoutMs: number) {
    this.servers = servers;
    this.nodes = servers.map((server) => ({ host: server.host, port: server.port }));
    this.#admin = new ClusterAdmin(servers, timeoutMs);
  }

  /**
   * Starts `masters * (1 + replicas)` nodes and forms the cluster. Each phase (node start, convergence)
   * is bounded by `startTimeoutMs` (default 10000). Everything is stopped again if formation fails.
   *
   * @example
   * ```ts
   * const cluster = await RedisCluster.start({ masters: 3, replicas: 1 });
   * ```
   */
  static async start(options: RedisClusterOptions = {}): Promise<RedisCluster> {
    const { masters = 3, replicas = 0, ...serverOptions } = options;
    if (!Number.isInteger(masters) || masters < 1)
      throw new RangeError(`masters must be >= 1, got ${masters}`);
    if (!Number.isInteger(replicas) || replicas < 0)
      throw new RangeError(`replicas must be >= 0, got ${replicas}`);
    const args = [...FAST_REPLICATION_ARGS, ...(serverOptions.args ?? [])];
    const servers = await startAll(masters * (1 + replicas), () =>
      RedisServer.start({ ...serverOptions, args, cluster: true }),
    );
    const cluster = new RedisCluster(servers, serverOptions.startTimeoutMs ?? 10_000);
    try {
      await cluster.#admin.form(masters, replicas);
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  /**
   * A new ioredis Cluster client with {@link testClusterOptions} defaults merged with `options`, a no-op
   * 'error' listener, disconnected by stop().
   *
   * @example
   * ```ts
   * const client = cluster.client({ scaleReads: 'slave' });
   * ```
   */
  client(options: ClusterOptions = {}): Cluster {
    if (this.#stopping !== undefined) throw new Error('RedisCluster.client(): cluster was stopped');
    const client = new Cluster(this.nodes, testClusterOptions(options));
    client.on('error', ignoreError);
    this.#clients.add(client);
    return client;
  }

  /**
   * The master currently serving `slot`, according to the first live (running, not paused) node.
   *
   * @example
   * ```ts
   * const owner = await cluster.slotOwner(12182);
   * owner.pause();
   * ```
   */
  async slotOwner(slot: number): Promise<RedisServer> {
    assertSlot(slot);
    const source = this.servers.find((s) => s.running && !s.paused);
    if (source === undefined) throw new Error('RedisCluster.slotOwner(): no live node to ask');
    const port = slotMaster(await this.#admin.slots(source), slot);
    const owner = this.servers.find((s) => s.port === port);
    if (owner === undefined) throw new Error(`RedisCluster.slotOwner(): slot ${slot} is not served`);
    return owner;
  }

  /**
   * Moves `slot` and its keys to the master `servers[toServerIndex]` (SETSLOT IMPORTING/MIGRATING, MIGRATE
   * in batches of 100 keys, SETSLOT NODE on target, source and the other masters), then waits until every
   * live node agrees. Clients with a stale map get MOVED and follow it. No-op if it already owns the slot.
   *
   * @example
   * ```ts
   * await cluster.migrateSlot(slot, 2);
   * ```
   */
  async migrateSlot(slot: number, toServerIndex: number): Promise<void> {
    assertSlot(slot);
    const target = this.servers[toServerIndex];
    if (target === undefined) throw new RangeError(`No server at index ${toServerIndex}`);
    const source = await this.slotOwner(slot);
    if (source === target) return;
    const nodes = parseClusterNodes(await this.#admin.string(source, 'CLUSTER', 'NODES'));
    const targetNode = nodes.find((n) => n.port === target.port);
    const sourceId = nodes.find((n) => n.port === source.port)?.id;
    if (targetNode?.master !== true || sourceId === undefined) {
      throw new Error(`RedisCluster.migrateSlot(): servers[${toServerIndex}] is not a master`);
    }
    const [from, to] = [this.#admin.client(source), this.#admin.client(target)];
    await to.call('CLUSTER', 'SETSLOT', slot, 'IMPORTING', sourceId);
    await from.call('CLUSTER', 'SETSLOT', slot, 'MIGRATING', targetNode.id);
    for (;;) {
      const keys = await from.callBuffer('CLUSTER', 'GETKEYSINSLOT', slot, 100);
      if (!Array.isArray(keys) || keys.length === 0) break;
      await from.call(
        'MIGRATE',
        target.host,
        target.port,
        '',
        0,
        5000,
        'REPLACE',
        'KEYS',
        ...(keys as Buffer[]),
      );
    }
    const otherMasters = this.servers.filter(
      (s) =>
        s !== source &&
        s !== target &&
        s.running &&
        !s.paused &&
        nodes.some((n) => n.port === s.port && n.master),
    );
    for (const server of [target, source, ...otherMasters]) {
      await this.#admin.client(server).call('CLUSTER', 'SETSLOT', slot, 'NODE', targetNode.id);
    }
    await this.#admin.waitForConsensus(`every node to see slot ${slot} on port ${target.port}`, (ranges) => {
      return slotMaster(ranges, slot) === target.port;
    });
  }

  /**
   * The servers replicating `master` (from a live node's slot map).
   *
   * @example
   * ```ts
   * const [replica] = await cluster.replicasOf(cluster.servers[0]!);
   * ```
   */
  replicasOf(master: RedisServer): Promise<RedisServer[]> {
    return replicasOf(this.#admin, this.servers, master);
  }

  /**
   * Manual failover: `CLUSTER FAILOVER` on `replica` (with `force`: `CLUSTER FAILOVER FORCE`, which does not
   * wait for the master), resolving once every live node agrees it serves its old master's slots (bounded by
   * 30 s). Without `force` the replica first catches up with its master, so no acknowledged write is lost.
   *
   * @throws Error if `replica` is not a replica, or the failover is not agreed in time.
   * @example
   * ```ts
   * const [replica] = await cluster.replicasOf(await cluster.slotOwner(slot));
   * await cluster.failover(replica!);
   * ```
   */
  failover(replica: RedisServer, options: { force?: boolean } = {}): Promise<void> {
    return manualFailover(this.#admin, replica, options.force ?? false);
  }

  /**
   * The master crashes: SIGKILL, then the cluster promotes one of its replicas once the node timeout
   * (2000 ms) passed. Resolves with the promoted server once every live node agrees (bounded by 30 s).
   * Writes the replica had not received are lost.
   *
   * @throws Error if `master` is not a master, or no replica is promoted in time.
   * @example
   * ```ts
   * const promoted = await cluster.killMaster(await cluster.slotOwner(slot));
   * ```
   */
  killMaster(master: RedisServer): Promise<RedisServer> {
    return killAndFailOver(this.#admin, this.servers, master);
  }

  /**
   * Disconnects the Cluster clients and stops every node; idempotent.
   *
   * @example
   * ```ts
   * await cluster.stop();
   * ```
   */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      for (const client of this.#clients) client.disconnect();
      this.#clients.clear();
      await stopAll(this.servers);
    })();
    return this.#stopping;
  }

  /** Same as stop(), for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}
