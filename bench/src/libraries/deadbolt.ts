import { createLocker } from '@deadbolt/core';
import { closeRedis, connectRedis } from './connect.js';
import { BENCH_TTL_MS, type LockLibrary } from './LockLibrary.js';

/** deadbolt with its defaults (renewal on, fair waiting, wait 10 s); only the ttl is spelled out. */
export const deadbolt: LockLibrary = {
  id: 'deadbolt',
  name: 'deadbolt',
  settings: `createLocker(redis, { ttl: ${BENCH_TTL_MS} }): defaults otherwise (renew on, fair on, wait 10 s)`,
  async connect(redisUrl) {
    const redis = await connectRedis(redisUrl);
    const locker = createLocker(redis, { ttl: BENCH_TTL_MS });
    return {
      async acquire(key) {
        const lock = await locker.acquire(key);
        return () => lock.release();
      },
      async close() {
        await locker.close();
        await closeRedis(redis);
      },
    };
  },
};
