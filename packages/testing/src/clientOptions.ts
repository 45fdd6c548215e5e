import type { ClusterOptions, RedisOptions } from 'ioredis';

/**
 * Fail-fast ioredis options for tests against `host:port`, merged with (and overridden by) `overrides`:
 * `{ host, port, lazyConnect: false, maxRetriesPerRequest: 1, enableOfflineQueue: true,
 * retryStrategy: (n) => Math.min(n * 50, 500) }`.
 *
 * @example
 * ```ts
 * const client = new Redis(testClientOptions('127.0.0.1', server.port, { commandTimeout: 200 }));
 * ```
 */
export function testClientOptions(host: string, port: number, overrides: RedisOptions = {}): RedisOptions {
  return {
    host,
    port,
    lazyConnect: false,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    retryStrategy: (times: number) => Math.min(times * 50, 500),
    ...overrides,
  };
}

/**
 * Fail-fast ioredis Cluster options for tests, merged with (and overridden by) `overrides`:
 * `{ lazyConnect: false, enableOfflineQueue: true, clusterRetryStrategy: (n) => Math.min(n * 50, 500),
 * redisOptions: { maxRetriesPerRequest: 1 } }` (`redisOptions` is merged key by key).
 *
 * @example
 * ```ts
 * const client = new Cluster(cluster.nodes, testClusterOptions({ scaleReads: 'slave' }));
 * ```
 */
export function testClusterOptions(overrides: ClusterOptions = {}): ClusterOptions {
  return {
    lazyConnect: false,
    enableOfflineQueue: true,
    clusterRetryStrategy: (times: number) => Math.min(times * 50, 500),
    ...overrides,
    redisOptions: { maxRetriesPerRequest: 1, ...overrides.redisOptions },
  };
}

/** A listener that swallows 'error' events so a killed server cannot crash the test process. */
export function ignoreError(): void {
  // Intentionally empty: connection errors surface as rejected commands instead.
}
