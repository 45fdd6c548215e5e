/**
 * How to install `redis-server`: the last sentence of every {@link RedisServerNotFoundError} message.
 *
 * @example
 * ```ts
 * console.error(REDIS_SERVER_INSTALL_HINT);
 * ```
 */
export const REDIS_SERVER_INSTALL_HINT =
  'To install redis-server: sudo apt-get install -y redis-server (Debian/Ubuntu) or brew install redis (macOS).';

/**
 * Where the `redis-server` that could not be found was looked for: the `binary` option, the `REDIS_SERVER_BIN`
 * environment variable, or the directories of `PATH`.
 */
export type RedisServerLookup = 'binary option' | 'REDIS_SERVER_BIN' | 'PATH';

/** The sentences that say what was tried and how to fix it. */
function explain(searched: string, lookup: RedisServerLookup): string {
  const problem = /[\\/]/.test(searched) ? 'is not an executable file' : 'was not found on PATH';
  switch (lookup) {
    case 'binary option':
      return (
        `The binary option ${JSON.stringify(searched)} ${problem}. Pass the path of redis-server, or leave the ` +
        'option out to use REDIS_SERVER_BIN or redis-server from PATH.'
      );
    case 'REDIS_SERVER_BIN':
      return (
        `REDIS_SERVER_BIN=${searched} ${problem}. Point it at redis-server ` +
        '(for example REDIS_SERVER_BIN=$(command -v redis-server)), or unset it to use redis-server from PATH.'
      );
    case 'PATH':
      return `${searched} ${problem}. Install it, or set REDIS_SERVER_BIN=/path/to/redis-server.`;
  }
}

/**
 * Thrown when no usable `redis-server` binary can be found (the `binary` option, `REDIS_SERVER_BIN`, or
 * `redis-server` on `PATH`). The message says what was tried and how to fix it, and ends with
 * {@link REDIS_SERVER_INSTALL_HINT}. The cause is the machine's setup, not the calling code, so the error's
 * `stack` is its message alone: a test runner or the CLI prints two sentences, not a stack trace.
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
  /** Where it was looked for. */
  readonly lookup: RedisServerLookup;

  /**
   * @param searched - the path or command name that could not be resolved to an executable file.
   * @param lookup - where it came from. Default `'PATH'`.
   */
  constructor(searched: string, lookup: RedisServerLookup = 'PATH') {
    super(`${explain(searched, lookup)} ${REDIS_SERVER_INSTALL_HINT}`);
    this.name = 'RedisServerNotFoundError';
    this.searched = searched;
    this.lookup = lookup;
    this.stack = `${this.name}: ${this.message}`;
  }
}
