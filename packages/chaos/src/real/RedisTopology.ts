import { RedisCluster, RedisMasters, RedisReplicaSet, RedisServer } from '@deadbolt/testing';
import type { Redis } from 'ioredis';
import type { ChaosTopology } from '../options.js';
import { ReplicaFailover } from './ReplicaFailover.js';

/** What the lease key holds right now: the token (or `null`) and its remaining ms (`-1` without a TTL). */
/** The members of a holders set whose deadline (server ms) is still ahead. */
const LIVE_HOLDERS = `local t = redis.call('TIME')
return redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. (t[1] * 1000 + math.floor(t[2] / 1000)), '+inf')`;

export interface LeaseState {
  readonly owner: string | null;
  readonly pttl: number;
}

/** Admin round trips give up after this long: a stalled node must not stall the observer. */
const ADMIN_TIMEOUT_MS = 150;

/**
 * The redis-server processes of a real-backend run, and a direct (fault-free) admin view of them: the lease
 * as the servers hold it, flushing between schedules, stalls (SIGSTOP/SIGCONT), restarts without persistence,
 * failovers (topology `replicated`: the node is the master of the moment), wall clock steps (servers started with
 * `clock`) and the keys left behind.
 *
 * @example
 * ```ts
 * const topology = await RedisTopology.start('quorum3')
 * const lease = await topology.lease('deadbolt:{resource}') // { owner, pttl } on a majority, or undefined
 * await topology.stop()
 * ```
 */
export class RedisTopology {
  readonly topology: ChaosTopology;
  readonly #stop: () => Promise<void>;
  #servers: readonly RedisServer[];
  #admins: Redis[];
  readonly #failover: ReplicaFailover | undefined;
  readonly #cluster: RedisCluster | undefined;
  readonly #slotNode = new Map<string, number>();
  readonly #stalls = new Set<Promise<void>>();
  readonly #restarts = new Set<Promise<void>>();
  /** Every server started, replicas included, when their clocks can be stepped; `undefined` otherwise. */
  readonly #clocked: readonly RedisServer[] | undefined;
  /** How far back each server's clock stepped since the last reset, in ms (every step back added up). */
  readonly #stepsBack = new Map<RedisServer, number>();

  private constructor(
    topology: ChaosTopology,
    servers: readonly RedisServer[],
    stop: () => Promise<void>,
    {
      cluster,
      replicaSet,
      clock = false,
    }: { cluster?: RedisCluster; replicaSet?: RedisReplicaSet; clock?: boolean } = {},
  ) {
    this.topology = topology;
    this.#servers = servers;
    this.#stop = stop;
    this.#cluster = cluster;
    this.#failover = replicaSet && new ReplicaFailover(replicaSet);
    this.#admins = servers.map(adminOf);
    this.#clocked = clock ? (replicaSet?.servers ?? servers) : undefined;
  }

  /** The masters, in order: node `i` of the server faults (topology `replicated`: the master of the moment). */
  get servers(): readonly RedisServer[] {
    return this.#servers;
  }

  /**
   * Starts the servers of `topology` on free ports (never 6379), each with no persistence; with `clock`, each with a
   * wall clock {@link RedisTopology.clockStep} can step.
   *
   * @throws ClockShimUnavailableError (of `@deadbolt/testing`) with `clock` when the clock shim cannot be built.
   */
  static async start(topology: ChaosTopology, { clock = false } = {}): Promise<RedisTopology> {
    // @deadbolt/testing starts every server with `--save '' --appendonly no`: a restart comes back empty.
    if (topology === 'single') {
      const server = await RedisServer.start({ clock });
      return new RedisTopology(topology, [server], () => server.stop(), { clock });
    }
    if (topology === 'cluster') {
      const cluster = await RedisCluster.start({ masters: 3, clock });
      return new RedisTopology(topology, cluster.servers, () => cluster.stop(), { cluster, clock });
    }
    if (topology === 'replicated') {
      const replicaSet = await RedisReplicaSet.start({ replicas: 1, clock });
      return new RedisTopology(topology, [replicaSet.master], () => replicaSet.stop(), { replicaSet, clock });
    }
    const masters = await RedisMasters.start(topology === 'quorum3' ? 3 : 5, { clock });
    return new RedisTopology(topology, masters.servers, () => masters.stop(), { clock });
  }

  /** Whether a lock spans every node (quorum) rather than one. */
  get quorum(): boolean {
    return this.topology === 'quorum3' || this.topology === 'quorum5';
  }

  /** The lease on `key` as the servers hold it (a majority of them in quorum mode); `undefined` if unknowable now. */
  async lease(key: string): Promise<LeaseState | undefined> {
    const nodes = this.quorum ? this.#admins.map((_, i) => i) : [await this.#nodeOf(key)];
    const answers = await Promise.all(nodes.map((i) => this.#read(i, key)));
    const known = answers.filter((a): a is LeaseState => a !== undefined);
    const majority = Math.floor(nodes.length / 2) + 1;
    const byOwner = new Map<string, number[]>();
    for (const a of known)
      if (a.owner !== null) byOwner.set(a.owner, [...(byOwner.get(a.owner) ?? []), a.pttl]);
    for (const [owner, pttls] of byOwner) {
      if (pttls.length < majority) continue;
      // The lease holds while a majority holds it: until the majority-th longest of its ttls runs out.
      const sorted = [...pttls].sort((a, b) => (a === -1 ? -1 : b === -1 ? 1 : b - a));
      return { owner, pttl: sorted[majority - 1] ?? -1 };
    }
    const best = Math.max(0, ...[...byOwner.values()].map((p) => p.length));
    return best + (nodes.length - known.length) >= majority ? undefined : { owner: null, pttl: -2 };
  }

  /**
   * Counted modes: the live holder tokens in the sorted set `key` (scored by lease deadline, server ms) on the node
   * that holds it; `undefined` if unknowable now (a stalled or restarting node).
   */
  async holders(key: string): Promise<string[] | undefined> {
    const node = await this.#nodeOf(key);
    const admin = this.#admins[node];
    const server = this.servers[node];
    if (!admin || !server?.running || server.paused) return undefined;
    try {
      return (await admin.eval(LIVE_HOLDERS, 1, key)) as string[];
    } catch {
      return undefined;
    }
  }

  /** SIGSTOPs node `node` now and SIGCONTs it after `ms` (tracked: {@link RedisTopology.settle} waits). */
  stall(node: number, ms: number): void {
    const server = this.servers[node];
    if (!server?.running || server.paused) return;
    server.pause();
    const done = new Promise<void>((resolve) => setTimeout(resolve, ms)).then(() => {
      if (server.paused) server.resume();
      this.#stalls.delete(done);
    });
    this.#stalls.add(done);
  }

  /** Restarts node `node` empty on the same port and resolves once it answers again. */
  async restart(node: number): Promise<void> {
    const server = this.servers[node];
    if (!server) return;
    const done = server.restart().finally(() => this.#restarts.delete(done));
    this.#restarts.add(done);
    await done;
  }

  /**
   * Topology `replicated`: holds replication back for `holdMs`, then promotes the replica; `promoted` gets the new
   * master's port (see {@link ReplicaFailover}). `false` when it cannot start (another topology, one under way).
   */
  failover(holdMs: number, promoted: (port: number) => void): boolean {
    return (
      this.#failover?.start(holdMs, (master) => {
        for (const admin of this.#admins) admin.disconnect();
        this.#servers = [master];
        this.#admins = [adminOf(master)];
        promoted(master.port);
      }) ?? false
    );
  }

  /**
   * Steps node `node`'s wall clock by `ms` (negative: back) from its next command on. `false` when the servers were
   * started without `clock`.
   */
  clockStep(node: number, ms: number): boolean {
    const server = this.servers[node];
    if (this.#clocked === undefined || !server) return false;
    server.clock.step(ms);
    if (ms < 0) this.#stepsBack.set(server, (this.#stepsBack.get(server) ?? 0) - ms);
    return true;
  }

  /** Waits for every stall, restart and failover in progress to end (and, replicated, the replica to catch up). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.#stalls, ...this.#restarts]);
    await this.#failover?.settled();
  }

  /** Brings every node back (resumed, running) and empties it, for the next schedule. */
  async reset(): Promise<void> {
    await this.settle();
    for (const server of this.servers) if (server.paused) server.resume();
    await Promise.all(this.servers.map((s) => (s.running ? Promise.resolve() : s.restart())));
    for (const server of this.#clocked ?? []) server.clock.setOffset(0);
    this.#stepsBack.clear();
    await Promise.all(this.servers.map((s) => this.#flush(s)));
    this.#slotNode.clear();
  }

  /**
   * Keys that outlive `lifetime` ms: no TTL, or a TTL beyond it. On a node whose clock stepped back, a key set before
   * the step lives longer by the step: its TTL may exceed `lifetime` by every step back of the node.
   */
  async leftovers(lifetime: number): Promise<string[]> {
    const out: string[] = [];
    for (const [i, admin] of this.#admins.entries()) {
      const server = this.servers[i];
      const allowed = lifetime + ((server && this.#stepsBack.get(server)) ?? 0);
      const keys = await admin.keys('*').catch(() => [] as string[]);
      for (const key of keys) {
        const pttl = await admin.pttl(key).catch(() => -2);
        if (pttl === -1 || pttl > allowed) out.push(`${key} (pttl ${pttl})`);
      }
    }
    return out;
  }

  /** Stops every server. */
  async stop(): Promise<void> {
    await this.settle();
    await this.#stop();
  }

  async #flush(server: RedisServer): Promise<void> {
    const admin = this.#admins[this.servers.indexOf(server)];
    for (let attempt = 0; ; attempt += 1) {
      try {
        await admin?.flushall();
        return;
      } catch (error) {
        if (attempt >= 40) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50)); // reconnecting after a restart
      }
    }
  }

  async #read(node: number, key: string): Promise<LeaseState | undefined> {
    const admin = this.#admins[node];
    const server = this.servers[node];
    if (!admin || !server?.running || server.paused) return undefined;
    try {
      const [[, owner], [, pttl]] = (await admin.multi().get(key).pttl(key).exec()) as [
        [unknown, string | null],
        [unknown, number],
      ];
      return { owner, pttl };
    } catch {
      return undefined;
    }
  }

  async #nodeOf(key: string): Promise<number> {
    if (!this.#cluster) return 0;
    const known = this.#slotNode.get(key);
    if (known !== undefined) return known;
    const slot = Number(await this.#admins[0]?.call('CLUSTER', 'KEYSLOT', key));
    const owner = await this.#cluster.slotOwner(slot);
    const node = this.servers.indexOf(owner);
    this.#slotNode.set(key, node);
    return node;
  }
}

/** A direct admin connection to `server` that gives up quickly (see {@link ADMIN_TIMEOUT_MS}). */
function adminOf(server: RedisServer): Redis {
  return server.client({
    commandTimeout: ADMIN_TIMEOUT_MS,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
  });
}
