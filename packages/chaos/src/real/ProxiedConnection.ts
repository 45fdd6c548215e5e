import type { Cluster, Redis } from 'ioredis';
import { noFaults, type ConnectionFaults } from '../world/ConnectionFaults.js';
import type { ClientConnection } from '../world/ChaosClient.js';
import { connectLibrary, type ChaosClientLibrary, type LibraryConnection } from './clientLibraries.js';
import { collectClients, connectThrough, ready, type ProxySpec } from './connectThrough.js';
import { FaultProxy } from './FaultProxy.js';
import type { RedisTopology } from './RedisTopology.js';

/** Latency jitter of the real backend's proxies: up to this fraction of the latency, in ms. */
const JITTER_FRACTION = 0.2;

/** Blocks this thread's event loop synchronously for `ms` (as a long computation or a GC pause would). */
function blockEventLoop(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** What a client process can be made to do from outside: be frozen for a while (SIGSTOP, then SIGCONT). */
export interface Suspendable {
  suspend(ms: number): void;
}

/**
 * One client's way to real Redis: a {@link FaultProxy} per node, all driven by one fault state, and (when the client
 * runs in this process) the ioredis connection(s) the lock uses through them. A client in a child process connects
 * through {@link ProxiedConnection.spec} itself, and a pause of it is a real SIGSTOP.
 *
 * @example
 * ```ts
 * const conn = await ProxiedConnection.open(topology, random)
 * createLocker(conn.target)
 * conn.faults.dropReplies = 1
 * ```
 */
export class ProxiedConnection implements ClientConnection {
  readonly faults: ConnectionFaults = noFaults();
  /** What to lock with: a `Redis`, an array of them (quorum) or a `Cluster` (none for a child process). */
  target: Redis | Redis[] | Cluster = [];
  /** The first node's connection (a `Cluster` on the cluster topology; unset for a child process). */
  redis: Redis = undefined as unknown as Redis;
  /** The lock's connection(s) made with the run's client library, when it is not ioredis (see `connectLibrary`). */
  library: LibraryConnection | undefined;
  /** The child process the client runs in, if any: a pause then freezes it. */
  process: Suspendable | undefined;
  readonly #proxies: FaultProxy[] = [];
  readonly #clients: (Redis | Cluster)[] = [];
  #spec: ProxySpec | undefined;

  private constructor() {}

  /** Starts the proxies and (unless `connect` is false: a child process connects itself) connects through them. */
  static async open(
    topology: RedisTopology,
    random: () => number,
    { connect = true, client = 'ioredis' }: { connect?: boolean; client?: ChaosClientLibrary } = {},
  ): Promise<ProxiedConnection> {
    const conn = new ProxiedConnection();
    for (const server of topology.servers) {
      conn.#proxies.push(
        await FaultProxy.start(server.port, conn.faults, { jitter: JITTER_FRACTION, random }),
      );
    }
    conn.#spec = {
      topology: topology.topology,
      quorum: topology.quorum,
      ports: conn.#proxies.map((p) => p.port),
      servers: topology.servers.map((s) => ({ host: s.host, port: s.port })),
      client,
    };
    if (!connect) return conn;
    const { target, redis } = connectThrough(conn.#spec, collectClients(conn.#clients));
    conn.target = target;
    conn.redis = redis;
    await Promise.all(conn.#clients.map((c) => ready(c)));
    if (client !== 'ioredis') {
      conn.library = await connectLibrary(client, conn.#spec);
      await conn.library.ready();
    }
    return conn;
  }

  /** Where this client's proxies listen, for a child process to connect through. */
  get spec(): ProxySpec {
    if (!this.#spec) throw new Error('ProxiedConnection: not open');
    return this.#spec;
  }

  /** Pauses the client for `ms`: a SIGSTOP of its child process, or else a partition of its connections. */
  suspend(ms: number): void {
    if (this.process) return this.process.suspend(ms);
    this.faults.pausedUntil = Math.max(this.faults.pausedUntil, Date.now() + ms);
  }

  /**
   * Freezes the client's process for `ms` (`waiterStall`): a SIGSTOP of its child process, or else (inline) a
   * synchronous block of this event loop, which every inline client, proxy and timer of the harness shares.
   */
  freeze(ms: number): void {
    if (this.process) return this.process.suspend(ms);
    blockEventLoop(ms);
  }

  /** Inline, a freeze blocks the harness too: {@link freeze} then has to come after what it should follow. */
  get freezeBlocksHarness(): boolean {
    return this.process === undefined;
  }

  /** Cuts every connection of this client with a TCP reset. */
  reset(): void {
    for (const proxy of this.#proxies) proxy.reset();
  }

  /** Sends this client's connections to the nodes on `ports` (in node order) from now on: they reconnect there. */
  retarget(ports: readonly number[]): void {
    this.#proxies.forEach((proxy, i) => {
      const port = ports[i];
      if (port !== undefined) proxy.retarget(port);
    });
  }

  disconnect(): void {
    for (const client of this.#clients) client.disconnect();
    this.library?.close();
  }

  /** Disconnects and closes the proxies. */
  async close(): Promise<void> {
    this.disconnect();
    await Promise.all(this.#proxies.map((p) => p.close()));
  }
}
