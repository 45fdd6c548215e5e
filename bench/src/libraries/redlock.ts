import Redlock from 'redlock';
import { closeRedis, connectAll } from './connect.js';
import { BENCH_TTL_MS, requireExclusive, type LockLibrary } from './LockLibrary.js';

/** redlock's own defaults, except that it retries until it gets the lock (it has no auto-extension in v4). */
const SETTINGS = { driftFactor: 0.01, retryCount: -1, retryDelay: 200, retryJitter: 100 };

/** `redlock` (npm `latest`, v4) on a single Redis, or on several independent masters (its Redlock mode). */
export const redlock: LockLibrary = {
  id: 'redlock',
  name: 'redlock',
  floor: false,
  client: 'ioredis',
  settings: `new Redlock([redis], { retryCount: -1, retryDelay: 200, retryJitter: 100, driftFactor: 0.01 }) (defaults but unlimited retries); lock(key, ${BENCH_TTL_MS}) then unlock()`,
  quorumSettings: `new Redlock([r1, r2, r3], { retryCount: -1, retryDelay: 200, retryJitter: 100, driftFactor: 0.01 }); lock(key, ${BENCH_TTL_MS}) then unlock(); it decides once every node answered (no per-node timeout)`,
  async connect(redisUrls) {
    const clients = await connectAll(redisUrls);
    const locker = new Redlock(clients, SETTINGS);
    locker.on('clientError', () => {});
    return {
      async acquire(key, mode) {
        requireExclusive('redlock', mode);
        const lock = await locker.lock(key, BENCH_TTL_MS);
        return () => lock.unlock();
      },
      close: async () => void (await Promise.all(clients.map(closeRedis))),
    };
  },
};
