/**
 * Options of {@link RedisServer.start}.
 *
 * @example
 * ```ts
 * const options: RedisServerOptions = { args: ['--maxmemory', '10mb'], startTimeoutMs: 5000 };
 * const server = await RedisServer.start(options);
 * ```
 */
export interface RedisServerOptions {
  /** TCP port to listen on. Default: a free port from {@link freePort} (retried if it gets taken meanwhile). */
  port?: number;
  /**
   * Extra redis-server arguments, appended after the defaults so they win. Default: `[]`. Arguments that
   * make PING require AUTH (`--requirepass`, ACLs) are not supported: readiness is checked without AUTH.
   */
  args?: string[];
  /** redis-server path or command name. Default: `process.env.REDIS_SERVER_BIN ?? 'redis-server'` from PATH. */
  binary?: string;
  /** Start with `--cluster-enabled yes` (config file in the server's tmp dir, node timeout 2000 ms). Default: false. */
  cluster?: boolean;
  /** How long to wait for the first PONG, in milliseconds. Default: 10000. */
  startTimeoutMs?: number;
  /**
   * Start with a wall clock the test controls through `server.clock` (see {@link ServerClock}): the server runs
   * with a small preloaded library, compiled with `cc` on first use (Linux only). Default: false.
   *
   * @throws {@link ClockShimUnavailableError} (from start) when that library cannot be built.
   */
  clock?: boolean;
}
