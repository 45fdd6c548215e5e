import { SingleNodeBackend } from './backend/SingleNodeBackend.js';
import { resolveLockerConfig } from './config.js';
import { LockConfigError } from './errors/LockConfigError.js';
import { Locker } from './Locker.js';
import type { LockerOptions } from './options.js';
import { asScriptClient, type RedisConnection } from './redis/RedisClient.js';
import { BackoffWait } from './wait/BackoffWait.js';

/**
 * Creates a locker on one ioredis client, one ioredis Cluster, or an array of clients to independent masters
 * (Redlock quorum). Validates `options` once; throws `LockConfigError` for a bad option.
 *
 * @example
 * ```ts
 * import Redis from 'ioredis'
 * import { createLocker } from '@deadbolt/core'
 *
 * const locker = createLocker(new Redis(process.env.REDIS_URL), { ttl: 10_000 })
 * await locker.using('order:42', async (lock) => { ... })
 * ```
 */
export function createLocker(redis: RedisConnection, options?: LockerOptions): Locker {
  const config = resolveLockerConfig(options);
  if (Array.isArray(redis)) {
    const clients = redis as readonly RedisConnection[];
    if (clients.length !== 1) {
      throw new LockConfigError(
        'Quorum mode (several independent masters) is not available in this version yet.',
      );
    }
    return createLocker(clients[0] as RedisConnection, options);
  }
  if (!isClient(redis)) {
    throw new LockConfigError(
      'createLocker needs an ioredis client, an ioredis Cluster or an array of clients.',
    );
  }
  return new Locker(
    config,
    new SingleNodeBackend(asScriptClient(redis), config.commandTimeout),
    new BackoffWait(),
  );
}

function isClient(value: unknown): value is Parameters<typeof asScriptClient>[0] {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { evalsha?: unknown }).evalsha === 'function' &&
    typeof (value as { eval?: unknown }).eval === 'function'
  );
}
