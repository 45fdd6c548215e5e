import { Redis } from 'ioredis';

/**
 * Opens an ioredis connection with the library defaults a user would have, and resolves once it is ready.
 * Connection errors surface as rejected commands, not as crashes.
 */
export async function connectRedis(redisUrl: string): Promise<Redis> {
  const redis = new Redis(redisUrl, { lazyConnect: true });
  redis.on('error', () => {});
  await redis.connect();
  return redis;
}

/** Closes a connection politely, falling back to a hard disconnect. */
export async function closeRedis(redis: Redis): Promise<void> {
  try {
    await redis.quit();
  } catch {
    redis.disconnect();
  }
}
