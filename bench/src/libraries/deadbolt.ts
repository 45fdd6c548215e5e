import { createLocker } from '@deadbolt/core';
import { closeRedis, connectAll } from './connect.js';
import { BENCH_TTL_MS, type LockLibrary } from './LockLibrary.js';

/**
 * deadbolt with its defaults (renewal on, fair waiting, wait 10 s); only the ttl is spelled out. Given several
 * URLs it locks on those masters in quorum mode (`createLocker([r1, …, rN])`).
 */
export const deadbolt: LockLibrary = {
  id: 'deadbolt',
  name: 'deadbolt',
  floor: false,
  settings: `createLocker(redis, { ttl: ${BENCH_TTL_MS} }): defaults otherwise (renew on, fair on, wait 10 s)`,
  quorumSettings: `createLocker([r1, r2, r3], { ttl: ${BENCH_TTL_MS} }): defaults otherwise (majority 2 of 3, per-node timeout min(commandTimeout 1000, ttl/10) = 1000 ms, renew on, wait 10 s)`,
  async connect(redisUrls) {
    const clients = await connectAll(redisUrls);
    const [only] = clients;
    const locker = createLocker(clients.length === 1 && only ? only : clients, { ttl: BENCH_TTL_MS });
    return {
      async acquire(key) {
        const lock = await locker.acquire(key);
        return () => lock.release();
      },
      async close() {
        await locker.close();
        await Promise.all(clients.map(closeRedis));
      },
    };
  },
};
