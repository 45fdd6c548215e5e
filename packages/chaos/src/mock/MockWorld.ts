import type { Scheduler } from 'fast-check';
import RedisMock from 'ioredis-mock';
import { connectAdapter } from '../adapter/connectAdapter.js';
import type { LockClient } from '../adapter/LockAdapter.js';
import { FaultyConnection } from './FaultyConnection.js';
import { dropMockSubscribers, resetMockStore } from './internals.js';
import { installFastMockLua } from './fastMockLua.js';
import { ProcessFreeze } from './ProcessFreeze.js';
import { StoreObserver } from './StoreObserver.js';
import { TokenEntries } from './TokenEntries.js';
import { VIRTUAL_EPOCH_MS, VirtualClock, flushMicrotasks } from './VirtualClock.js';
import { countedModes, History } from '../history/History.js';
import { ChaosClient, type ClientEnv } from '../world/ChaosClient.js';
import type { ChaosWorld, ServerFaults } from '../world/ChaosWorld.js';
import { CHAOS_KEY } from '../world/chaosKeys.js';
import { ClientClock } from '../world/ClientClock.js';
import { worldHistoryParams } from '../world/historyParams.js';
import { clientEnv } from '../world/clientEnv.js';
import { processMembers } from '../world/processes.js';
import { seededRandom } from '../world/random.js';
import type { WorldConfig } from '../world/WorldConfig.js';

/** How one virtual-time world is set up. */
export interface MockWorldConfig extends WorldConfig {
  readonly scheduler: Scheduler;
  /** Give each client process an event loop that `waiterStall` can freeze (see `ProcessFreeze`). Default `false`. */
  readonly freezes?: boolean;
  /**
   * Independent masters, each its own ioredis-mock store (topologies `quorum3`, `quorum5`): every client locks
   * across all of them, and the lease is the one a majority holds. Default `1`.
   */
  readonly masters?: number;
}

/**
 * One run's universe on the virtual-time backend: a fake clock, one shared ioredis-mock store (one per master on a
 * quorum), N clients each on
 * its own faulty connection, the two protected resources, and the history.
 */
export class MockWorld implements ChaosWorld {
  readonly history: History;
  readonly clients: ChaosClient[] = [];
  readonly config: MockWorldConfig;
  /** How many steps of each kind ran (for the fault-mix statistics). */
  readonly stepCounts = new Map<string, number>();
  /** `redisStall` on virtual time: a master holds every command that reaches it until its stall ends. */
  readonly server: ServerFaults;
  /** Until when (reference ms) each master is stalled. */
  readonly #stalledUntil: number[];
  readonly #clock: VirtualClock;
  /** One store per master (one, unless a quorum). */
  readonly #roots: InstanceType<typeof RedisMock>[];
  readonly #observer: StoreObserver;
  /** The tokens the lock keeps under the run's key on every master, and which process put each there. */
  readonly #entries: TokenEntries;
  readonly #leaseKey: string;
  /** Counted modes: the lock's holders set of the key (see `LockAdapter.holdersKey`). */
  readonly #holdersKey: string | undefined;
  readonly #random: () => number;
  readonly #originalRandom = Math.random;
  /** Unwraps the timers that {@link ProcessFreeze} wrapped (when the run freezes processes). */
  readonly #unwrapTimers: () => void;
  /** Restores ioredis-mock's Lua (see {@link installFastMockLua}). */
  readonly #uncacheLua: () => void;

  constructor(config: MockWorldConfig) {
    this.config = config;
    this.#random = seededRandom(config.seed);
    Math.random = this.#random;
    this.#uncacheLua = installFastMockLua();
    this.#clock = VirtualClock.install();
    this.#unwrapTimers = config.freezes === true ? ProcessFreeze.installTimers() : () => {};
    const { lock } = config;
    const voters = (config.masters ?? 1) > 1 ? config.masters : undefined;
    this.history = new History(worldHistoryParams(config, 'exact', voters), () => this.#clock.now());
    // ioredis-mock instances on different ports keep separate data: one port per master.
    this.#roots = Array.from({ length: config.masters ?? 1 }, (_, i) =>
      this.#clock.run(() => new RedisMock({ host: 'deadbolt-chaos', port: 1 + i })),
    );
    this.#stalledUntil = this.#roots.map(() => 0);
    this.server = {
      nodes: this.#roots.length,
      stall: (node, ms) => {
        this.#stalledUntil[node] = Math.max(this.#stalledUntil[node] ?? 0, Date.now() + ms);
      },
      restart: () => Promise.reject(new Error('the mock backend cannot restart a master')),
    };
    for (const root of this.#roots) {
      resetMockStore(root);
    }
    this.#leaseKey = lock.leaseKey(CHAOS_KEY);
    this.#holdersKey = countedModes(this.history.params) ? lock.holdersKey?.(CHAOS_KEY) : undefined;
    this.#observer = new StoreObserver(
      this.#roots,
      this.history,
      new Map([[this.#leaseKey, CHAOS_KEY]]),
      VIRTUAL_EPOCH_MS,
      new Map(this.#holdersKey === undefined ? [] : [[this.#holdersKey, CHAOS_KEY]]),
    );
    this.#entries = new TokenEntries(this.#roots, this.#leaseKey, !countedModes(this.history.params));
    const env = clientEnv(config, this.history, this.#observer, { entries: this.#entries });
    this.#clock.run(() => this.#connectClients(env));
  }

  /** Connects one lock client per process (in the run's context: what their connect sets up is the run's). */
  #connectClients(env: ClientEnv): void {
    const { config } = this;
    const { lock } = config;
    const perProcess = config.clientsPerProcess ?? 1;
    for (let id = 0; id < config.clients; id += perProcess) {
      // A process's commands are known by its first client (see `checkOwnership`).
      const connection = new FaultyConnection(
        this.#roots.map((root) => root.duplicate()),
        config.scheduler,
        () => {
          this.#observer.afterCommand(id);
          this.#entries.afterCommand(id, this.#clock.now());
        },
        config.freezes === true ? new ProcessFreeze() : undefined,
        (node) => this.#stalledUntil[node] ?? 0,
      );
      const clock = new ClientClock(() => this.#clock.now());
      const random = seededRandom(config.seed + id + 1);
      let client: LockClient;
      try {
        client = connection.runAs(() =>
          connectAdapter(lock, {
            redis: connection.redis,
            ...(connection.masters.length > 1 ? { target: [...connection.masters] } : {}),
            now: clock.now,
            random,
            id,
          }),
        );
      } catch (error) {
        // A broken adapter must not leave the fake clock and the seeded Math.random installed.
        connection.disconnect();
        this.dispose();
        throw error;
      }
      const members: ChaosClient[] = [];
      for (const member of processMembers(id, config.clients, perProcess))
        this.clients.push(new ChaosClient(member, connection, clock, client, env, members));
    }
  }

  /**
   * Runs `fn` (the schedule's steps and `finish`) as the run's code: the timers it sets, directly or through what
   * it sets in motion, are the run's, and only those pace virtual time and count as leaked (L4).
   */
  run<T>(fn: () => Promise<T>): Promise<T> {
    return this.#clock.run(fn);
  }

  /** Reference time, ms since the run began. */
  now(): number {
    return this.#clock.now();
  }

  /** Delivers every scheduled command (in the scheduler's order) and every reaction, without moving time. */
  readonly settle = async (): Promise<void> => {
    for (;;) {
      await flushMicrotasks();
      if (this.config.scheduler.count() === 0) break;
      await this.config.scheduler.waitOne();
    }
    this.probe();
  };

  /** Lets `ms` of virtual time pass, timer by timer. */
  advance(ms: number): Promise<void> {
    return this.#clock.advance(ms, this.settle);
  }

  /** Records who believes it holds the key and who owns it on the server. */
  probe(): void {
    this.#observer.afterCommand();
    const believers = this.clients
      .filter((c) => c.believes())
      .map((c) => ({
        client: c.id,
        token: c.held?.token ?? '',
        ...(c.heldShared ? { shared: true as const } : {}),
      }));
    const unsignalled = this.clients
      .filter((c) => c.unsignalled())
      .map((c) => ({ client: c.id, token: c.held?.token ?? '' }));
    if (believers.length === 0 && unsignalled.length === 0) return;
    const holders = this.#holdersKey === undefined ? undefined : this.#observer.holders(this.#holdersKey);
    this.history.record({
      type: 'probe',
      key: CHAOS_KEY,
      owner: this.#observer.owner(this.#leaseKey),
      believers,
      ...(holders === undefined ? {} : { holders: holders.map((h) => h.token) }),
      ...(unsignalled.length === 0 ? {} : { unsignalled }),
    });
  }

  /**
   * Ends the run: lets in-flight operations finish, releases what live clients hold, closes every client, waits out
   * every key lifetime, then records leaked keys and timers.
   */
  async finish(settleFor: number): Promise<void> {
    await this.advance(settleFor);
    for (const c of this.clients) c.release();
    await this.advance(this.config.ttl);
    const closing = [...new Set(this.clients.map((c) => c.lock))].map((lock) => lock.close().catch(() => {}));
    await this.advance(this.config.lock.keyLifetime(this.config.ttl));
    await Promise.race([Promise.all(closing), flushMicrotasks()]);
    this.history.closePending();
    this.history.push({
      type: 'end',
      t: this.now(),
      leakedKeys: this.#observer.keys(),
      leakedTimers: this.#clock.countTimers(),
    });
  }

  /** Uninstalls the fake clock, restores `Math.random` and disconnects the mocks. */
  dispose(): void {
    this.#unwrapTimers();
    this.#uncacheLua();
    this.#clock.uninstall();
    Math.random = this.#originalRandom;
    for (const connection of new Set(this.clients.map((c) => c.connection))) connection.disconnect();
    for (const root of this.#roots) {
      root.disconnect();
      dropMockSubscribers(root);
    }
  }
}
