import { testClientOptions, testClusterOptions } from '@deadbolt/testing';
import { Cluster, Redis } from 'ioredis';
import type { ChaosTopology } from '../options.js';
import type { ChaosClientLibrary } from './clientLibraries.js';

/** Where one client's proxies listen, and what they stand for: plain data, so it can cross to a child process. */
export interface ProxySpec {
  readonly topology: ChaosTopology;
  /** Whether a lock spans every node (quorum) rather than one. */
  readonly quorum: boolean;
  /** The proxies' ports, one per node, in the topology's node order. */
  readonly ports: readonly number[];
  /** The nodes' own addresses (a Cluster announces them; they are mapped onto the proxies). */
  readonly servers: readonly { readonly host: string; readonly port: number }[];
  /** The client library the lock runs on (default ioredis; see `connectLibrary`). */
  readonly client?: ChaosClientLibrary;
}

/** The ioredis connection(s) a lock uses through one client's proxies. */
export interface ProxiedTarget {
  /** What to lock with: a `Redis`, an array of them (quorum) or a `Cluster`. */
  readonly target: Redis | Redis[] | Cluster;
  /** The first node's connection (the `Cluster` on the cluster topology). */
  readonly redis: Redis;
  /** Every client opened, to wait for and to disconnect. */
  readonly clients: readonly (Redis | Cluster)[];
}

/**
 * Connects through the proxies of `spec`: one `Redis` (single), one per master (quorum), or a `Cluster` whose node
 * addresses are mapped onto the proxies (`natMap`). `track` sees every client as it is made.
 *
 * @example
 * ```ts
 * const { target } = connectThrough({ topology: 'single', quorum: false, ports: [proxy.port], servers }, (c) => c)
 * ```
 */
export function connectThrough(
  spec: ProxySpec,
  track: <T extends Redis | Cluster>(client: T) => T,
): ProxiedTarget {
  const { ports } = spec;
  if (spec.topology === 'cluster') {
    const natMap = Object.fromEntries(
      spec.servers.map((s, i) => [`${s.host}:${s.port}`, { host: s.host, port: ports[i] ?? 0 }]),
    );
    const cluster = track(
      new Cluster(
        ports.map((port) => ({ host: '127.0.0.1', port })),
        testClusterOptions({ natMap }),
      ),
    );
    return { target: cluster, redis: cluster as unknown as Redis, clients: [cluster] };
  }
  const clients = ports.map((port) => track(new Redis(testClientOptions('127.0.0.1', port))));
  return {
    target: spec.quorum ? clients : (clients[0] as Redis),
    redis: clients[0] as Redis,
    clients,
  };
}

/** Resolves once `client` is connected and ready. */
export function ready(client: Redis | Cluster): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => client.once('ready', () => resolve()));
}

/** Swallows client 'error' events: connection errors surface as rejected commands. */
function ignore(): void {}

/**
 * A `track` for {@link connectThrough} that collects into `into` every client and every duplicate made of it
 * (deadbolt's subscriber), so that none outlives the run, and swallows their 'error' events.
 */
export function collectClients(into: (Redis | Cluster)[]): <T extends Redis | Cluster>(client: T) => T {
  const track = <T extends Redis | Cluster>(client: T): T => {
    client.on('error', ignore);
    into.push(client);
    if (client instanceof Redis) {
      const duplicate = client.duplicate.bind(client);
      client.duplicate = (...args: Parameters<Redis['duplicate']>) => track(duplicate(...args));
    }
    return client;
  };
  return track;
}
