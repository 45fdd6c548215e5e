import { Redis } from 'ioredis';
import RedisMock from 'ioredis-mock';

/** A connected client and a description of the Redis it talks to, for the examples to print. */
export interface ExampleRedis {
  readonly redis: Redis;
  /** e.g. `redis://127.0.0.1:6380` (a password shown as `***`), or the embedded in-memory Redis. */
  readonly where: string;
}

/** What the examples print when they run without `REDIS_URL`. */
export const EMBEDDED_REDIS = 'the embedded in-memory Redis (ioredis-mock; set REDIS_URL to use a real one)';

/**
 * A client for `url` (default: `REDIS_URL`), connected before it is returned, or the embedded in-memory Redis
 * (ioredis-mock) when no URL is set. Rejects with the URL (password hidden) when that Redis cannot be reached.
 */
export async function connectRedis(url = process.env['REDIS_URL']): Promise<ExampleRedis> {
  if (url === undefined || url === '') return { redis: new RedisMock(), where: EMBEDDED_REDIS };
  const where = withoutPassword(url);
  const redis = new Redis(url, { lazyConnect: true });
  let cause: unknown; // the socket's error (e.g. ECONNREFUSED) says more than connect()'s "Connection is closed."
  const keepFirst = (error: unknown) => (cause ??= error);
  redis.on('error', keepFirst);
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    const reason = cause ?? error;
    throw new Error(
      `cannot reach REDIS_URL=${where} (${reason instanceof Error ? reason.message : String(reason)}); ` +
        'start that Redis, or unset REDIS_URL to use the embedded in-memory one',
    );
  } finally {
    redis.off('error', keepFirst);
  }
  return { redis, where };
}

/** `url` with its password (if any) replaced by `***`. */
function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}
