import type { RedisServer } from './RedisServer.js';

/**
 * What a test harness runs around every {@link RedisServer} of this process: `started` once a server answers
 * PING (`RedisServer.start()` resolves after it), `stopping` when `stop()` begins. Cluster nodes are
 * included; `cluster` tells them apart.
 */
export interface RedisServerHooks {
  started?(server: RedisServer, cluster: boolean): Promise<void> | void;
  stopping?(server: RedisServer): Promise<void> | void;
}

const registered = new Set<RedisServerHooks>();

/**
 * Runs `hooks` around every server started from now on, until the returned function is called: for a client
 * library whose clients connect asynchronously, which a test must nevertheless hand out synchronously (made
 * ready when the server starts).
 *
 * @example
 * ```ts
 * before(() => (removeHooks = addRedisServerHooks({ started: (server) => pool.fill(server.port) })))
 * after(() => removeHooks())
 * ```
 */
export function addRedisServerHooks(hooks: RedisServerHooks): () => void {
  registered.add(hooks);
  return () => registered.delete(hooks);
}

/** @internal Runs every registered hook's `started`; RedisServer.start() awaits it. */
export async function serverStarted(server: RedisServer, cluster: boolean): Promise<void> {
  await Promise.all([...registered].map(async (hooks) => hooks.started?.(server, cluster)));
}

/** @internal Runs every registered hook's `stopping`; RedisServer.stop() awaits it. */
export async function serverStopping(server: RedisServer): Promise<void> {
  await Promise.all([...registered].map(async (hooks) => hooks.stopping?.(server)));
}
