import type { RedisConnection } from '@deadbolt/core';
import type { ClientContext } from '../adapter/LockAdapter.js';
import type { ProxySpec } from './connectThrough.js';

/** The Redis client libraries the real backend can give a lock: `ioredis` (default), `iovalkey`, `node-redis`. */
export const CLIENT_LIBRARIES = ['ioredis', 'iovalkey', 'node-redis'] as const;

/** A Redis client library a lock can run on in a chaos run. */
export type ChaosClientLibrary = (typeof CLIENT_LIBRARIES)[number];

/** The lock's connection(s), made with one client library through a client's proxies. */
export interface LibraryConnection {
  /** What to lock with: a client, an array of one per master (quorum), or a Cluster. */
  readonly target: RedisConnection;
  /** Resolves once every connection is ready. */
  ready(): Promise<void>;
  /** Drops every connection. */
  close(): void;
}

/** Swallows client 'error' events: connection errors surface as rejected commands. */
function ignore(): void {}

/** How a client reconnects after the proxy cut it: as the harness's ioredis clients (50 ms more a try, up to 500). */
const backoff = (attempt: number): number => Math.min((attempt + 1) * 50, 500);

/** A node-redis client or Cluster, as far as the harness uses it. */
interface NodeRedisHandle {
  on(event: 'error', listener: (error: Error) => void): unknown;
  connect(): Promise<unknown>;
  destroy(): void;
  readonly isOpen: boolean;
}

/**
 * Connects with `library` through the proxies of `spec` (host and port per node; a Cluster's announced node
 * addresses mapped onto the proxies), for a lock built on that library. The library is loaded when asked for:
 * it is an optional peer of `@deadbolt/chaos`. `ioredis` is not made here (see `connectThrough`).
 *
 * @example
 * ```ts
 * const connection = await connectLibrary('node-redis', conn.spec)
 * createLocker(connection.target)
 * ```
 */
export async function connectLibrary(
  library: Exclude<ChaosClientLibrary, 'ioredis'>,
  spec: ProxySpec,
): Promise<LibraryConnection> {
  const nodes = spec.ports.map((port) => ({ host: '127.0.0.1', port }));
  const addressMap = Object.fromEntries(
    spec.servers.map((s, i) => [`${s.host}:${s.port}`, { host: '127.0.0.1', port: spec.ports[i] ?? 0 }]),
  );
  if (library === 'iovalkey') {
    const { Cluster, Valkey } = await import('iovalkey');
    const options = { maxRetriesPerRequest: 1, retryStrategy: backoff };
    const clients =
      spec.topology === 'cluster'
        ? [new Cluster(nodes, { natMap: addressMap, clusterRetryStrategy: backoff, redisOptions: options })]
        : nodes.map((node) => new Valkey({ ...node, ...options }));
    for (const client of clients) client.on('error', ignore);
    return {
      target: (spec.quorum ? clients : clients[0]) as RedisConnection,
      ready: () =>
        bounded(
          Promise.all(
            clients.map((c) =>
              c.status === 'ready' ? Promise.resolve() : new Promise((resolve) => c.once('ready', resolve)),
            ),
          ),
        ),
      close: () => clients.forEach((client) => client.disconnect()),
    };
  }
  const { createClient, createCluster } = await import('redis');
  const socket = { reconnectStrategy: backoff };
  const clients: NodeRedisHandle[] =
    spec.topology === 'cluster'
      ? [
          createCluster({
            rootNodes: nodes.map((node) => ({ socket: node })),
            nodeAddressMap: addressMap,
            defaults: { socket },
          }),
        ]
      : nodes.map((node) => createClient({ socket: { ...node, ...socket } }));
  const connected = Promise.all(
    clients.map((client) => {
      client.on('error', ignore);
      return client.connect();
    }),
  );
  connected.catch(ignore); // a failed connection fails ready()
  return {
    target: (spec.quorum ? clients : clients[0]) as unknown as RedisConnection,
    ready: () => bounded(connected),
    close: () => clients.forEach((client) => client.isOpen && client.destroy()),
  };
}

/** How long the lock's connections may take to come up before the run gives up, in ms. */
const READY_TIMEOUT_MS = 20_000;

/** `connecting`, failed after {@link READY_TIMEOUT_MS}: a run never hangs on a connection. */
async function bounded(connecting: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the lock's connections were not ready within ${READY_TIMEOUT_MS} ms`)),
      READY_TIMEOUT_MS,
    );
  });
  try {
    await Promise.race([connecting, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * What a client's {@link ClientContext} says of its connection on the real backend: the client library (and the
 * lock's connection made with it) and the proxies' endpoints.
 */
export function libraryContext(
  spec: ProxySpec,
  library: LibraryConnection | undefined,
): Pick<ClientContext, 'client' | 'endpoints'> {
  return {
    client: {
      library: spec.client ?? 'ioredis',
      ...(library === undefined ? {} : { connection: library.target }),
    },
    endpoints: spec.ports.map((port) => ({ host: '127.0.0.1', port })),
  };
}
