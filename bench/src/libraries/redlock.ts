import Redlock from 'redlock';
import { closeRedis, connectRedis } from './connect.js';
import { BENCH_TTL_MS, type LockLibrary } from './LockLibrary.js';

/** redlock's own defaults, except that it retries until it gets the lock (it has no auto-extension in v4). */
const SETTINGS = { driftFactor: 0.01, retryCount: -1, retryDelay: 200, retryJitter: 100 };

/** `redlock` (npm `latest`, v4) on a single Redis. */
export const redlock: LockLibrary = {
  id: 'redlock',
  name: 'redlock',
  settings: `new Redlock([redis], { retryCount: -1, retryDelay: 200, retryJitter: 100, driftFactor: 0.01 }) (defaults but unlimited retries); lock(key, ${BENCH_TTL_MS}) then unlock()`,
  async connect(redisUrl) {
    const redis = await connectRedis(redisUrl);
    const locker = new Redlock([redis], SETTINGS);
    locker.on('clientError', () => {});
    return {
      async acquire(key) {
        const lock = await locker.lock(key, BENCH_TTL_MS);
        return () => lock.unlock();
      },
      close: () => closeRedis(redis),
    };
  },
};
