/**
 * The exact install hint carried by every {@link RedisServerNotFoundError} message.
 *
 * @example
 * ```ts
 * console.error(REDIS_SERVER_INSTALL_HINT);
 * ```
 */
export const REDIS_SERVER_INSTALL_HINT =
  'redis-server was not found on PATH. Install it (Debian/Ubuntu: sudo apt-get install -y redis-server; ' +
  'macOS: brew install redis) or set REDIS_SERVER_BIN=/path/to/redis-server.';

/**
 * Thrown when no usable `redis-server` binary can be found (neither the `binary` option,
 * `REDIS_SERVER_BIN`, nor `redis-server` on `PATH`). The message always contains
 * {@link REDIS_SERVER_INSTALL_HINT}.
 *
 * @example
 * ```ts
 * try {
 *   await RedisServer.start();
 * } catch (error) {
 *   if (error instanceof RedisServerNotFoundError) console.error(error.message);
 *   else throw error;
 * }
 * ```
 */
export class RedisServerNotFoundError extends Error {
  /** Stable machine-readable code. */
  readonly code = 'ERR_REDIS_SERVER_NOT_FOUND' as const;
  /** What was looked for: a path (from `binary` / `REDIS_SERVER_BIN`) or a command name searched on `PATH`. */
  readonly searched: string;

  /** @param searched - the path or command name that could not be resolved to an executable file. */
  constructor(searched: string) {
    super(`${REDIS_SERVER_INSTALL_HINT} (Looked for: ${searched})`);
    this.name = 'RedisServerNotFoundError';
    this.searched = searched;
  }
}
