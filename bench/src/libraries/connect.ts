import { Redis, type RedisOptions } from 'ioredis';
import { createClient } from 'redis';

/** A node-redis client with its defaults: `createClient({ url })` (the `redis` package). */
function newNodeRedis(url: string) {
  return createClient({ url });
}

/** A node-redis (`redis` package) client, as `createClient({ url })` returns it. */
export type NodeRedisClient = ReturnType<typeof newNodeRedis>;

/**
 * Opens an ioredis connection with the library defaults a user would have (but for `options`, e.g.
 * `{ enableAutoPipelining: true }`), and resolves once it is ready. Connection errors surface as rejected
 * commands, not as crashes.
 *
 * @example
 * ```ts
 * const redis = await connectRedis(server.url, { enableAutoPipelining: true })
 * ```
 */
export async function connectRedis(redisUrl: string, options: RedisOptions = {}): Promise<Redis> {
  const redis = new Redis(redisUrl, { ...options, lazyConnect: true });
  redis.on('error', () => {});
  await redis.connect();
  return redis;
}

/** Opens one connection per URL (one per independent master), in order. */
export function connectAll(redisUrls: readonly string[]): Promise<Redis[]> {
  return Promise.all(redisUrls.map((url) => connectRedis(url)));
}

/** The only URL of a single-node client. @throws when given none or several (a quorum it does not support). */
export function singleUrl(redisUrls: readonly string[], library: string): string {
  const [url] = redisUrls;
  if (url === undefined || redisUrls.length > 1) throw new Error(`${library} runs on exactly one Redis`);
  return url;
}

/** Closes a connection politely, falling back to a hard disconnect. */
export async function closeRedis(redis: Redis): Promise<void> {
  try {
    await redis.quit();
  } catch {
    redis.disconnect();
  }
}

/**
 * Opens a node-redis connection (`createClient({ url })`, its defaults otherwise) and resolves once it is ready.
 * Connection errors surface as rejected commands, not as crashes.
 */
export async function connectNodeRedis(redisUrl: string): Promise<NodeRedisClient> {
  const client = newNodeRedis(redisUrl);
  client.on('error', () => {});
  await client.connect();
  return client;
}

/** Closes a node-redis connection politely, falling back to a hard disconnect. */
export async function closeNodeRedis(client: NodeRedisClient): Promise<void> {
  try {
    await client.close();
  } catch {
    client.destroy();
  }
}
