import { RedisServer } from './RedisServer.js';
import type { RedisServerOptions } from './RedisServerOptions.js';
import { suiteFixture, type SuiteHooksOption } from './suiteFixture.js';

/**
 * Options of {@link useRedisServer}: every {@link RedisServerOptions} field (same defaults) plus `hooks`.
 *
 * @example
 * ```ts
 * const redis = useRedisServer({ args: ['--maxmemory', '10mb'] });
 * ```
 */
export interface UseRedisServerOptions extends RedisServerOptions, SuiteHooksOption {}

/**
 * What {@link useRedisServer} returns: the server, available once the suite's `before` hook ran.
 *
 * @example
 * ```ts
 * const redis: RedisServerFixture = useRedisServer();
 * it('pings', async () => expect(await redis.server.client().ping()).to.equal('PONG'));
 * ```
 */
export interface RedisServerFixture {
  /**
   * The running server.
   *
   * @throws Error if read before the suite's `before` hook ran or after its `after` hook.
   */
  readonly server: RedisServer;
}

/**
 * Registers suite hooks that start one {@link RedisServer} before the suite and stop it after.
 * Call it inside `describe`.
 *
 * @example
 * ```ts
 * describe('locks', () => {
 *   const redis = useRedisServer();
 *   it('pings', async () => {
 *     expect(await redis.server.client().ping()).to.equal('PONG');
 *   });
 * });
 * ```
 */
export function useRedisServer(options: UseRedisServerOptions = {}): RedisServerFixture {
  const { hooks, ...serverOptions } = options;
  const server = suiteFixture(
    'useRedisServer()',
    hooks,
    () => RedisServer.start(serverOptions),
    (started) => started.stop(),
  );
  return {
    get server(): RedisServer {
      return server();
    },
  };
}
