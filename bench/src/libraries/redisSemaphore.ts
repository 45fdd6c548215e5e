import { Mutex } from 'redis-semaphore';
import { closeRedis, connectRedis } from './connect.js';
import { BENCH_TTL_MS, type LockLibrary } from './LockLibrary.js';

/** redis-semaphore's defaults, spelled out. */
const SETTINGS = { lockTimeout: BENCH_TTL_MS, acquireTimeout: 10_000, retryInterval: 10 };

/**
 * `redis-semaphore` Mutex, one per acquisition as its docs show. Auto-refresh stays on (every 8 s by
 * default): holds here are far shorter, so it never fires, and deadbolt keeps its watchdog on too.
 */
export const redisSemaphore: LockLibrary = {
  id: 'redis-semaphore',
  name: 'redis-semaphore',
  settings: `new Mutex(redis, key, { lockTimeout: ${BENCH_TTL_MS}, acquireTimeout: 10000, retryInterval: 10 }) (its defaults; refresh every 8 s left on, never fires for these holds); acquire() then release()`,
  async connect(redisUrl) {
    const redis = await connectRedis(redisUrl);
    return {
      async acquire(key) {
        const mutex = new Mutex(redis, key, SETTINGS);
        await mutex.acquire();
        return () => mutex.release();
      },
      close: () => closeRedis(redis),
    };
  },
};
