import { RedisCluster, type RedisClusterOptions } from './RedisCluster.js';
import { suiteFixture, type SuiteHooksOption } from './suiteFixture.js';

/**
 * Options of {@link useRedisCluster}: every {@link RedisClusterOptions} field (same defaults: 3 masters, no
 * replicas) plus `hooks`.
 *
 * @example
 * ```ts
 * const redis = useRedisCluster({ masters: 3, replicas: 1 });
 * ```
 */
export interface UseRedisClusterOptions extends RedisClusterOptions, SuiteHooksOption {}

/**
 * What {@link useRedisCluster} returns: the Cluster, available once the suite's `before` hook ran.
 *
 * @example
 * ```ts
 * const redis: RedisClusterFixture = useRedisCluster();
 * it('pings', async () => expect(await redis.cluster.client().ping()).to.equal('PONG'));
 * ```
 */
export interface RedisClusterFixture {
  /**
   * The running Cluster.
   *
   * @throws Error if read before the suite's `before` hook ran or after its `after` hook.
   */
  readonly cluster: RedisCluster;
}

/**
 * Registers suite hooks that start one {@link RedisCluster} before the suite and stop it (and the clients it
 * made) after. Call it inside `describe`. Mocha runs a suite's `after` hooks in the order they were registered,
 * so a suite whose own `after` still needs the Cluster (e.g. to close a locker) registers that hook before
 * calling `useRedisCluster`.
 *
 * @example
 * ```ts
 * describe('locks on a Cluster', function () {
 *   this.timeout(60_000);
 *   const redis = useRedisCluster({ masters: 3 });
 *   it('routes by slot', async () => {
 *     await redis.cluster.client().set('{user:1}:name', 'ada');
 *   });
 * });
 * ```
 */
export function useRedisCluster(options: UseRedisClusterOptions = {}): RedisClusterFixture {
  const { hooks, ...clusterOptions } = options;
  const cluster = suiteFixture(
    'useRedisCluster()',
    hooks,
    () => RedisCluster.start(clusterOptions),
    (started) => started.stop(),
  );
  return {
    get cluster(): RedisCluster {
      return cluster();
    },
  };
}
