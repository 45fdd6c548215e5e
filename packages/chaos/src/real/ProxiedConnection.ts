import { testClientOptions, testClusterOptions } from '@deadbolt/testing';
import { Cluster, Redis } from 'ioredis';
import type { ConnectionFaults } from '../backend/FaultyConnection.js';
import type { ClientConnection } from '../world/ChaosClient.js';
import { FaultProxy } from './FaultProxy.js';
import type { RedisTopology } from './RedisTopology.js';

/** Latency jitter of the real backend's proxies: up to this fraction of the latency, in ms. */
const JITTER_FRACTION = 0.2;

/** Resolves once `client` is connected and ready. */
function ready(client: Redis | Cluster): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => client.once('ready', () => resolve()));
}

/** Swallows client 'error' events: connection errors surface as rejected commands. */
function ignore(): void {}

/**
 * One client's way to real Redis: a {@link FaultProxy} per node, all driven by one fault state, and the ioredis
 * connection(s) the lock uses through them — one `Redis` (single), one per master (quorum), or a `Cluster` whose
 * node addresses are mapped onto the proxies (`natMap`).
 *
 * @example
 * ```ts
 * const conn = await ProxiedConnection.open(topology, random)
 * createLocker(conn.target)
 * conn.faults.dropReplies = 1
 * ```
 */
export class ProxiedConnection implements ClientConnection {
  readonly faults: ConnectionFaults = {
    pausedUntil: 0,
    failUntil: 0,
    dropReplies: 0,
    latencyUntil: 0,
    latencyMs: 0,
    lostWakeupUntil: 0,
    crashed: false,
  };
  /** What to lock with: a `Redis`, an array of them (quorum) or a `Cluster`. */
  target: Redis | Redis[] | Cluster = [];
  /** The first node's connection (a `Cluster` on the cluster topology). */
  redis: Redis = undefined as unknown as Redis;
  readonly #proxies: FaultProxy[] = [];
  readonly #clients: (Redis | Cluster)[] = [];

  private constructor() {}

  /** Starts the proxies and connects through them. */
  static async open(topology: RedisTopology, random: () => number): Promise<ProxiedConnection> {
    const conn = new ProxiedConnection();
    for (const server of topology.servers) {
      conn.#proxies.push(
        await FaultProxy.start(server.port, conn.faults, { jitter: JITTER_FRACTION, random }),
      );
    }
    const ports = conn.#proxies.map((p) => p.port);
    if (topology.topology === 'cluster') {
      const natMap = Object.fromEntries(
        topology.servers.map((s, i) => [`${s.host}:${s.port}`, { host: s.host, port: ports[i] ?? 0 }]),
      );
      const cluster = new Cluster(
        ports.map((port) => ({ host: '127.0.0.1', port })),
        testClusterOptions({ natMap }),
      );
      conn.#track(cluster);
      conn.target = cluster;
      conn.redis = cluster as unknown as Redis;
    } else {
      const clients = ports.map((port) => conn.#track(new Redis(testClientOptions('127.0.0.1', port))));
      conn.target = topology.quorum ? clients : (clients[0] as Redis);
      conn.redis = clients[0] as Redis;
    }
    await Promise.all(conn.#clients.map((c) => ready(c)));
    return conn;
  }

  /** Cuts every connection of this client with a TCP reset. */
  reset(): void {
    for (const proxy of this.#proxies) proxy.reset();
  }

  disconnect(): void {
    for (const client of this.#clients) client.disconnect();
  }

  /** Disconnects and closes the proxies. */
  async close(): Promise<void> {
    this.disconnect();
    await Promise.all(this.#proxies.map((p) => p.close()));
  }

  /** Tracks a client and every duplicate made of it (deadbolt's subscriber), so that none outlives the run. */
  #track<T extends Redis | Cluster>(client: T): T {
    client.on('error', ignore);
    this.#clients.push(client);
    if (client instanceof Redis) {
      const duplicate = client.duplicate.bind(client);
      client.duplicate = (...args: Parameters<Redis['duplicate']>) => this.#track(duplicate(...args));
    }
    return client;
  }
}
