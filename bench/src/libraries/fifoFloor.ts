import { closeRedis, connectRedis, singleUrl } from './connect.js';
import { UnsupportedModeError, type LockLibrary } from './LockLibrary.js';

/** How long one BLPOP blocks before the client asks again, in s (deadbolt's default wait is 10 s). */
const BLOCK_S = 10;

/**
 * The floor of a fair lock: a one-item list (the baton) per key, or `limit` batons for a semaphore. A client takes
 * a baton with BLPOP and gives it back with RPUSH; Redis serves blocked clients in the order they blocked, so a
 * release hands the baton to the longest waiter with one command and one wake-up. No lease, ttl, fence or owner check: a
 * crashed holder keeps the baton for ever, so this is a measuring stick for hand-over latency, not a lock.
 */
export const fifoFloor: LockLibrary = {
  id: 'fifo',
  name: 'FIFO floor',
  floor: true,
  client: 'ioredis',
  settings: `BLPOP key:baton ${BLOCK_S} to take a one-item list (a list of N batons for a semaphore of limit N), RPUSH key:baton to hand it on (Redis serves blocked clients first come, first served); no lease, ttl or fence. Not a lock: the least any fair hand-over through Redis costs`,
  async connect(redisUrls) {
    const redis = await connectRedis(singleUrl(redisUrls, 'the FIFO floor'));
    const seen = new Set<string>();
    return {
      async acquire(key, mode) {
        if (mode?.shared === true) throw new UnsupportedModeError('the FIFO floor', mode);
        const baton = `${key}:baton`;
        if (!seen.has(key)) {
          seen.add(key);
          // The first client to reach a key puts its batons in.
          const batons = Array.from({ length: mode?.limit ?? 1 }, () => '1');
          if ((await redis.set(`${key}:made`, '1', 'NX')) === 'OK') await redis.rpush(baton, ...batons);
        }
        while ((await redis.blpop(baton, BLOCK_S)) === null);
        return () => redis.rpush(baton, '1');
      },
      close: () => closeRedis(redis),
    };
  },
};
