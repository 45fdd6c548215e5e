import { performance } from 'node:perf_hooks';
import { connectAdapter } from '../adapter/connectAdapter.js';
import type { LockClient } from '../adapter/LockAdapter.js';
import { countedModes, History } from '../history/History.js';
import { ChaosClient } from '../world/ChaosClient.js';
import type { ChaosWorld, ServerFaults } from '../world/ChaosWorld.js';
import { ClientClock } from '../world/ClientClock.js';
import { worldHistoryParams } from '../world/historyParams.js';
import { clientEnv } from '../world/clientEnv.js';
import { processMembers } from '../world/processes.js';
import { seededRandom } from '../world/random.js';
import type { WorldConfig } from '../world/WorldConfig.js';
import { CHAOS_KEY } from '../world/chaosKeys.js';
import { ChildLockClient } from './child/ChildLockClient.js';
import { libraryContext, type ChaosClientLibrary } from './clientLibraries.js';
import { sleepWatchingHost } from './hostStall.js';
import { ProxiedConnection } from './ProxiedConnection.js';
import type { LeaseState, RedisTopology } from './RedisTopology.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** How one real world is set up. */
export interface RealWorldConfig extends WorldConfig {
  /** Where clients run: in this process (a pause is a partition) or each in a child process (a pause is a SIGSTOP). */
  readonly processes?: 'inline' | 'child';
  /** The client library the lock's connections are made with. Default `'ioredis'`. */
  readonly client?: ChaosClientLibrary;
}

/**
 * One run on real redis-server processes: real time, each client's connections through its own fault proxies,
 * the lease observed through a direct admin connection. A probe reads the lease between two looks at who believes
 * it holds the lock, and counts only the beliefs held across the read, so a probe never blames a race of its own.
 * Clients run in this process, where a client `pause` is a partition of its connections; with `processes: 'child'`
 * each runs in a child process of its own ({@link ChildLockClient}), where a pause is a real SIGSTOP.
 */
export class RealWorld implements ChaosWorld {
  readonly history: History;
  readonly clients: ChaosClient[] = [];
  readonly config: RealWorldConfig;
  readonly stepCounts = new Map<string, number>();
  readonly server: ServerFaults;
  readonly #topology: RedisTopology;
  readonly #connections: ProxiedConnection[] = [];
  readonly #children: ChildLockClient[] = [];
  /** The reference clock's zero, as `performance.timeOrigin + performance.now()`. */
  readonly #origin: number;
  readonly #leaseKey: string;
  readonly #probeEvery: number;
  #last: LeaseState | undefined;

  private constructor(config: RealWorldConfig, topology: RedisTopology) {
    this.config = config;
    this.#topology = topology;
    this.#leaseKey = config.lock.leaseKey(CHAOS_KEY);
    this.#probeEvery = Math.max(20, Math.floor(config.ttl / 10));
    const started = performance.now();
    this.#origin = performance.timeOrigin + started;
    const voters = topology.quorum ? topology.servers.length : undefined;
    this.history = new History(worldHistoryParams(config, 'sampled', voters), () =>
      Math.round(performance.now() - started),
    );
    this.server = {
      nodes: topology.servers.length,
      stall: (node, ms) => topology.stall(node, ms),
      restart: (node) => topology.restart(node),
      failover: (ms) =>
        topology.failover(ms, (port) => {
          for (const connection of this.#connections) connection.retarget([port]);
        }),
      clockStep: (node, ms) => topology.clockStep(node, ms),
    };
  }

  /** Empties the servers and connects every client through fresh proxies. */
  static async create(config: RealWorldConfig, topology: RedisTopology): Promise<RealWorld> {
    await topology.reset();
    const world = new RealWorld(config, topology);
    const env = clientEnv(
      config,
      world.history,
      { owner: (key) => world.#ownerWhenKnown(key) },
      { stallMargin: Math.max(50, config.ttl / 5) },
    );
    const child = config.processes === 'child';
    const spec = config.lock.child;
    if (child && !spec) throw new RangeError(`lock ${config.lock.name} cannot run in a child process`);
    const clients: Promise<ChaosClient>[] = [];
    const perProcess = config.clientsPerProcess ?? 1;
    if (perProcess > 1 && child) throw new RangeError('clients share a process only inline');
    for (let id = 0; id < config.clients; id += perProcess) {
      const random = seededRandom(config.seed + id + 1);
      const connection = await ProxiedConnection.open(topology, random, {
        connect: !child,
        client: config.client ?? 'ioredis',
      });
      world.#connections.push(connection);
      const clock = new ClientClock(() => world.history.now());
      if (!spec || !child) {
        const { redis, target } = connection;
        const library = libraryContext(connection.spec, connection.library);
        let client: LockClient;
        try {
          client = connectAdapter(config.lock, { redis, target, now: clock.now, random, id, ...library });
        } catch (error) {
          await Promise.allSettled(clients);
          await world.dispose();
          throw error;
        }
        const members: ChaosClient[] = [];
        for (const member of processMembers(id, config.clients, perProcess))
          clients.push(Promise.resolve(new ChaosClient(member, connection, clock, client, env, members)));
        continue;
      }
      const init = { lock: spec, proxies: connection.spec, id, seed: config.seed + id + 1 };
      const forked = ChildLockClient.fork({ ...init, origin: world.#origin, clock: clock.state }, clock);
      clients.push(
        forked.then((client) => {
          world.#children.push(client);
          connection.process = client;
          return new ChaosClient(id, connection, clock, client, env);
        }),
      );
    }
    const made = await Promise.allSettled(clients);
    for (const m of made) if (m.status === 'fulfilled') world.clients.push(m.value);
    const failed = made.find((m) => m.status === 'rejected');
    if (failed) {
      await world.dispose();
      throw failed.reason;
    }
    return world;
  }

  /** Probes once: the step has started what it starts; real time does the rest. */
  readonly settle = (): Promise<void> => this.probe();

  /** Lets `ms` of real time pass, probing every tenth of a ttl. */
  async advance(ms: number): Promise<void> {
    const until = performance.now() + ms;
    for (;;) {
      const left = until - performance.now();
      if (left <= 0) return;
      await sleepWatchingHost(this.history, Math.min(left, this.#probeEvery), this.#probeEvery);
      await this.probe();
    }
  }

  /** Records the lease as the servers hold it (when it changed) and who believed they held it throughout. */
  async probe(): Promise<void> {
    const before = this.#believers();
    const lease = await this.#topology.lease(this.#leaseKey);
    if (lease === undefined) return;
    const holdersKey = countedModes(this.history.params)
      ? this.config.lock.holdersKey?.(CHAOS_KEY)
      : undefined;
    const holders = holdersKey === undefined ? undefined : await this.#topology.holders(holdersKey);
    if (holdersKey !== undefined && holders === undefined) return;
    const after = new Set(this.#believers());
    this.#recordLease(lease);
    const believers = before
      .filter((b) => after.has(b))
      .map((b) => {
        const [client, token, shared] = b.split('\n') as [string, string, string];
        return { client: Number(client), token, ...(shared === 's' ? { shared: true as const } : {}) };
      });
    if (believers.length === 0) return;
    this.history.record({
      type: 'probe',
      key: CHAOS_KEY,
      owner: lease.owner,
      believers,
      ...(holders === undefined ? {} : { holders }),
    });
  }

  /**
   * Ends the run: lets operations finish, releases what live clients hold, closes every client, waits out a
   * lease, and records the keys that would outlive the lock's key lifetime (timers are not counted here).
   */
  async finish(settleFor: number): Promise<void> {
    await this.advance(Math.min(settleFor, 2 * this.config.ttl));
    await this.#topology.settle();
    for (const c of this.clients) c.release();
    await this.advance(this.config.ttl);
    await Promise.all(
      [...new Set(this.clients.map((c) => c.lock))].map((lock) => lock.close().catch(() => {})),
    );
    await this.advance(this.config.ttl);
    this.history.closePending();
    const leakedKeys = await this.#topology.leftovers(this.config.lock.keyLifetime(this.config.ttl));
    this.history.push({ type: 'end', t: this.history.now(), leakedKeys, leakedTimers: 0 });
  }

  /** Runs `fn`: on real time no timer is counted (L4 looks at keys only), so nothing to attribute. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    return fn();
  }

  /** Kills every client process and closes every connection. */
  async dispose(): Promise<void> {
    await Promise.all(this.#children.map((c) => c.kill()));
    await Promise.all(this.#connections.map((c) => c.close()));
  }

  /** The lease's owner as soon as the servers can tell (a stalled node cannot; a write waits for it). */
  async #ownerWhenKnown(key: string): Promise<string | null> {
    for (let waited = 0; waited < 10 * this.config.ttl; waited += this.#probeEvery) {
      const lease = await this.#topology.lease(key);
      if (lease) return lease.owner;
      await sleep(this.#probeEvery);
    }
    return null;
  }

  #believers(): string[] {
    return this.clients
      .filter((c) => c.believes())
      .map((c) => `${c.id}\n${c.held?.token ?? ''}\n${c.heldShared ? 's' : ''}`);
  }

  #recordLease(lease: LeaseState): void {
    const now = this.history.now();
    const expireAt = lease.owner === null ? null : lease.pttl < 0 ? null : now + lease.pttl;
    const last = this.#last;
    this.#last = lease;
    if (lease.owner !== null && lease.pttl === -1) {
      this.history.push({ type: 'noTtl', t: now, key: this.#leaseKey });
    }
    // A renewal moves the expiry: record it when it moved by more than one probe interval.
    const moved =
      last?.owner === lease.owner &&
      lease.owner !== null &&
      Math.abs(lease.pttl - last.pttl) > 2 * this.#probeEvery;
    if (last?.owner === lease.owner && !moved) return;
    if (last === undefined && lease.owner === null) return;
    this.history.record({ type: 'lease', key: CHAOS_KEY, owner: lease.owner, expireAt });
  }
}
