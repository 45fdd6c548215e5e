import { Mutex, RedlockMutex } from 'redis-semaphore';
import { closeRedis, connectAll } from './connect.js';
import { BENCH_TTL_MS, type LockLibrary } from './LockLibrary.js';

/** redis-semaphore's defaults, spelled out. */
const SETTINGS = { lockTimeout: BENCH_TTL_MS, acquireTimeout: 10_000, retryInterval: 10 };

/**
 * `redis-semaphore` Mutex (or RedlockMutex on several masters), one per acquisition as its docs show.
 * Auto-refresh stays on (every 8 s by default): holds here are far shorter, so it never fires, and deadbolt
 * keeps its watchdog on too.
 */
export const redisSemaphore: LockLibrary = {
  id: 'redis-semaphore',
  name: 'redis-semaphore',
  floor: false,
  client: 'ioredis',
  settings: `new Mutex(redis, key, { lockTimeout: ${BENCH_TTL_MS}, acquireTimeout: 10000, retryInterval: 10 }) (its defaults; refresh every 8 s left on, never fires for these holds); acquire() then release()`,
  quorumSettings: `new RedlockMutex([r1, r2, r3], key, { lockTimeout: ${BENCH_TTL_MS}, acquireTimeout: 10000, retryInterval: 10 }) (its defaults); acquire() then release(); it waits for every node's answer`,
  async connect(redisUrls) {
    const clients = await connectAll(redisUrls);
    const [only] = clients;
    const mutex = (key: string): Mutex | RedlockMutex =>
      clients.length === 1 && only
        ? new Mutex(only, key, SETTINGS)
        : new RedlockMutex(clients, key, SETTINGS);
    return {
      async acquire(key) {
        const lock = mutex(key);
        await lock.acquire();
        return () => lock.release();
      },
      close: async () => void (await Promise.all(clients.map(closeRedis))),
    };
  },
};
