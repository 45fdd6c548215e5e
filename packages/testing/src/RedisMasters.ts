import type { Redis, RedisOptions } from 'ioredis';
import { RedisServer } from './RedisServer.js';
import type { RedisServerOptions } from './RedisServerOptions.js';
import { startAll, stopAll } from './startAll.js';

/**
 * N independent redis-server masters on distinct free ports (for Redlock quorum tests).
 *
 * @example
 * ```ts
 * await using masters = await RedisMasters.start(3);
 * const clients = masters.clients();
 * masters.servers[0]?.pause(); // one master out of the quorum
 * ```
 */
export class RedisMasters implements AsyncDisposable {
  /** The servers, in start order. */
  readonly servers: RedisServer[];

  private constructor(servers: RedisServer[]) {
    this.servers = servers;
  }

  /**
   * Starts `count` servers concurrently with the same options (each on its own free port). If one fails
   * to start, the others are stopped and the error is rethrown.
   *
   * @param count - number of servers, an integer >= 1.
   * @param options - see {@link RedisServerOptions}; same defaults.
   * @example
   * ```ts
   * const masters = await RedisMasters.start(5, { startTimeoutMs: 5000 });
   * ```
   */
  static async start(
    count: number,
    options: Omit<RedisServerOptions, 'port' | 'cluster'> = {},
  ): Promise<RedisMasters> {
    if (!Number.isInteger(count) || count < 1)
      throw new RangeError(`count must be an integer >= 1, got ${count}`);
    return new RedisMasters(await startAll(count, () => RedisServer.start(options)));
  }

  /**
   * One new tracked client per server, in server order (see {@link RedisServer.client}).
   *
   * @example
   * ```ts
   * const [a, b, c] = masters.clients({ commandTimeout: 200 });
   * ```
   */
  clients(options?: RedisOptions): Redis[] {
    return this.servers.map((server) => server.client(options));
  }

  /**
   * Stops every server (see {@link RedisServer.stop}); idempotent.
   *
   * @example
   * ```ts
   * await masters.stop();
   * ```
   */
  stop(): Promise<void> {
    return stopAll(this.servers);
  }

  /** Same as stop(), for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}
