import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { RedisServerNotFoundError, type RedisServerLookup } from './RedisServerNotFoundError.js';

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Resolves the `redis-server` executable to an absolute path.
 *
 * Lookup order: the `binary` argument, then `process.env.REDIS_SERVER_BIN` (ignored when empty),
 * then `redis-server`. A value containing a path separator is used as a path; a bare name is
 * searched on `PATH`.
 *
 * @param binary - explicit path or command name. Default: `process.env.REDIS_SERVER_BIN ?? 'redis-server'`.
 * @returns the absolute path of an executable file.
 * @throws {@link RedisServerNotFoundError} when nothing executable is found.
 *
 * @example
 * ```ts
 * const bin = redisServerBinary(); // e.g. '/usr/bin/redis-server'
 * ```
 */
export function redisServerBinary(binary?: string): string {
  const fromEnv = process.env.REDIS_SERVER_BIN;
  const [requested, lookup]: [string, RedisServerLookup] =
    binary !== undefined
      ? [binary, 'binary option']
      : fromEnv !== undefined && fromEnv !== ''
        ? [fromEnv, 'REDIS_SERVER_BIN']
        : ['redis-server', 'PATH'];
  if (requested.includes('/') || requested.includes('\\')) {
    if (isExecutableFile(requested)) return resolve(requested);
    throw new RedisServerNotFoundError(requested, lookup);
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, requested);
    if (isExecutableFile(candidate)) return resolve(candidate);
  }
  throw new RedisServerNotFoundError(requested, lookup);
}
