import { parseCommandStats, parseCpuSeconds } from '@deadbolt/testing';
import type { Redis } from 'ioredis';

/**
 * CPU seconds (user + system) the Redis server of `admin` has used since it started (`INFO cpu`).
 *
 * @example
 * ```ts
 * const before = await redisCpuSeconds(admin)
 * ```
 */
export async function redisCpuSeconds(admin: Redis): Promise<number> {
  return parseCpuSeconds(await admin.info('cpu'));
}

/**
 * Commands the Redis server of `admin` has run since its statistics were last reset, script-internal ones
 * included, its `INFO` commands (the benchmark's own reads) excluded (`INFO commandstats`).
 *
 * @example
 * ```ts
 * const ran = (await redisCommandsRun(admin)) - before
 * ```
 */
export async function redisCommandsRun(admin: Redis): Promise<number> {
  const stats = parseCommandStats(await admin.info('commandstats'));
  return Object.entries(stats).reduce((total, [name, calls]) => total + (name === 'info' ? 0 : calls), 0);
}
