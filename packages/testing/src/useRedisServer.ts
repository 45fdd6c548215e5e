import { RedisServer } from './RedisServer.js';
import type { RedisServerOptions } from './RedisServerOptions.js';

type Hook = (fn: () => Promise<void>) => void;

/**
 * Suite-level hook registrars, e.g. mocha's `before`/`after` or vitest's `beforeAll`/`afterAll`.
 *
 * @example
 * ```ts
 * import { beforeAll, afterAll } from 'vitest';
 * const hooks: SuiteHooks = { before: beforeAll, after: afterAll };
 * ```
 */
export interface SuiteHooks {
  before: Hook;
  after: Hook;
}

/**
 * Options of {@link useRedisServer}: every {@link RedisServerOptions} field (same defaults) plus `hooks`.
 *
 * @example
 * ```ts
 * const redis = useRedisServer({ args: ['--maxmemory', '10mb'] });
 * ```
 */
export interface UseRedisServerOptions extends RedisServerOptions {
  /**
   * Where to register the start/stop hooks. Default: the global mocha `before`/`after`, else the global
   * `beforeAll`/`afterAll` (jest, vitest with globals).
   */
  hooks?: SuiteHooks;
}

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

function globalHooks(): SuiteHooks {
  const g = globalThis as Partial<Record<'before' | 'after' | 'beforeAll' | 'afterAll', Hook>>;
  const before = g.before ?? g.beforeAll;
  const after = g.after ?? g.afterAll;
  if (before === undefined || after === undefined) {
    throw new Error('useRedisServer(): no global before/after hooks found; pass options.hooks');
  }
  return { before, after };
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
  const { hooks = globalHooks(), ...serverOptions } = options;
  let current: RedisServer | undefined;
  hooks.before(async () => {
    current = await RedisServer.start(serverOptions);
  });
  hooks.after(async () => {
    const server = current;
    current = undefined;
    await server?.stop();
  });
  return {
    get server(): RedisServer {
      if (current === undefined)
        throw new Error('useRedisServer(): the server is only available inside the suite');
      return current;
    },
  };
}
