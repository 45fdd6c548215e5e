import { Mutex, RedlockMutex, Semaphore } from 'redis-semaphore';
import { closeRedis, connectAll } from './connect.js';
import { BENCH_TTL_MS, UnsupportedModeError, type AcquireMode, type LockLibrary } from './LockLibrary.js';

/** redis-semaphore's defaults, spelled out. */
const SETTINGS = { lockTimeout: BENCH_TTL_MS, acquireTimeout: 10_000, retryInterval: 10 };

/**
 * `redis-semaphore` Mutex (or RedlockMutex on several masters), one per acquisition as its docs show; its
 * Semaphore (single Redis) for a permit of a semaphore. It has no read-write lock.
 * Auto-refresh stays on (every 8 s by default): holds here are far shorter, so it never fires, and deadbolt
 * keeps its watchdog on too.
 */
export const redisSemaphore: LockLibrary = {
  id: 'redis-semaphore',
  name: 'redis-semaphore',
  floor: false,
  client: 'ioredis',
  settings: `new Mutex(redis, key, { lockTimeout: ${BENCH_TTL_MS}, acquireTimeout: 10000, retryInterval: 10 }) (its defaults; refresh every 8 s left on, never fires for these holds); acquire() then release(); for a semaphore of limit N, new Semaphore(redis, key, N, the same options)`,
  quorumSettings: `new RedlockMutex([r1, r2, r3], key, { lockTimeout: ${BENCH_TTL_MS}, acquireTimeout: 10000, retryInterval: 10 }) (its defaults); acquire() then release(); it waits for every node's answer`,
  async connect(redisUrls) {
    const clients = await connectAll(redisUrls);
    const [only] = clients;
    const lockOf = (key: string, mode: AcquireMode | undefined): Mutex | RedlockMutex | Semaphore => {
      if (mode?.shared === true) throw new UnsupportedModeError('redis-semaphore', mode);
      if (clients.length > 1 || only === undefined) {
        if ((mode?.limit ?? 1) > 1)
          throw new UnsupportedModeError('redis-semaphore on several masters', mode ?? {});
        return new RedlockMutex(clients, key, SETTINGS);
      }
      const limit = mode?.limit ?? 1;
      return limit > 1 ? new Semaphore(only, key, limit, SETTINGS) : new Mutex(only, key, SETTINGS);
    };
    return {
      async acquire(key, mode) {
        const lock = lockOf(key, mode);
        await lock.acquire();
        return () => lock.release();
      },
      close: async () => void (await Promise.all(clients.map(closeRedis))),
    };
  },
};
