import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { closeRedis, connectRedis, singleUrl } from './connect.js';
import { BENCH_TTL_MS, type LockLibrary } from './LockLibrary.js';

/** Owner-checked delete, the release half of the floor. */
const RELEASE_LUA = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** How long the floor sleeps before trying a busy key again, in ms (only the contended scenario waits). */
export const RAW_RETRY_MS = 1;

/**
 * The floor every lock is compared with: `SET key token NX PX ttl`, then the owner-checked DEL script by
 * EVALSHA (loaded once per connection). When the key is busy it simply tries again after {@link RAW_RETRY_MS}.
 */
export const rawFloor: LockLibrary = {
  id: 'raw',
  name: 'raw floor',
  settings: `SET key token NX PX ${BENCH_TTL_MS}, then an owner-checked DEL script by EVALSHA; when busy, SET again after ${RAW_RETRY_MS} ms`,
  async connect(redisUrls) {
    const redis = await connectRedis(singleUrl(redisUrls, 'the raw floor'));
    const sha = (await redis.script('LOAD', RELEASE_LUA)) as string;
    return {
      async acquire(key) {
        const token = randomBytes(16).toString('hex');
        while ((await redis.set(key, token, 'PX', BENCH_TTL_MS, 'NX')) !== 'OK') await sleep(RAW_RETRY_MS);
        return () => redis.evalsha(sha, 1, key, token);
      },
      close: () => closeRedis(redis),
    };
  },
};
