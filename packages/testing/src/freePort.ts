import { createServer } from 'node:net';

/** Ports never handed out: the developer's default Redis and its cluster bus port. */
const RESERVED = new Set([6379, 16379]);
/** Every port handed out by this process (including cluster bus ports), so none is given twice. */
const handedOut = new Set<number>();
const MAX_ATTEMPTS = 200;
/** Offset between a cluster node's client port and its cluster bus port. */
export const CLUSTER_BUS_PORT_OFFSET = 10000;

/** Binds 127.0.0.1:`port` (0 = OS-assigned), closes again, and reports the bound port or undefined if busy. */
function probeBind(port: number): Promise<number | undefined> {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.once('error', () => resolvePort(undefined));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : undefined;
      server.close(() => resolvePort(bound));
    });
  });
}

/**
 * Whether `port` may be handed out: not reserved (6379, 16379) and not handed out before by this process.
 * Internal (not exported by the package); exported for the guard's own test.
 *
 * @example
 * ```ts
 * mayHandOut(6379) // false
 * ```
 */
export function mayHandOut(port: number): boolean {
  return !RESERVED.has(port) && !handedOut.has(port);
}

/**
 * Returns an OS-assigned free TCP port on 127.0.0.1. Never 6379, and never the same port twice within
 * one process. The port is released before returning, so a caller must still cope with a rare race.
 *
 * @example
 * ```ts
 * const port = await freePort();
 * const server = await RedisServer.start({ port });
 * ```
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const port = await probeBind(0);
    if (port !== undefined && mayHandOut(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`freePort: no free port on 127.0.0.1 after ${MAX_ATTEMPTS} attempts`);
}

/**
 * Like {@link freePort}, but also guarantees that `port + 10000` (the Redis Cluster bus port) is
 * free and at most 65535. Both ports are remembered so neither is handed out again.
 *
 * @example
 * ```ts
 * const port = await freeClusterPort();
 * const node = await RedisServer.start({ port, cluster: true });
 * ```
 */
export async function freeClusterPort(): Promise<number> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const port = await probeBind(0);
    if (port === undefined || !mayHandOut(port)) continue;
    const bus = port + CLUSTER_BUS_PORT_OFFSET;
    if (bus > 65535 || !mayHandOut(bus) || (await probeBind(bus)) === undefined) continue;
    handedOut.add(port);
    handedOut.add(bus);
    return port;
  }
  throw new Error(`freeClusterPort: no free port pair on 127.0.0.1 after ${MAX_ATTEMPTS} attempts`);
}
