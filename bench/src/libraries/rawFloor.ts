import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { closeRedis, connectRedis, singleUrl } from './connect.js';
import type { Redis } from 'ioredis';
import { BENCH_TTL_MS, type LockClient, type LockLibrary } from './LockLibrary.js';

/** Owner-checked delete, the release half of both floors. */
const RELEASE_LUA = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** SET NX PX and INCR of the key's fence counter in one script: the cheapest acquire that hands out a fence. */
const FENCED_ACQUIRE_LUA = `if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return redis.call('INCR', KEYS[2])
end
return 0`;

/** How long a floor sleeps before trying a busy key again, in ms (only the contended scenario waits). */
export const RAW_RETRY_MS = 1;

/** Takes `key` for `token` once, if it is free: whether it did. */
type TryLock = (key: string, token: string) => Promise<boolean>;

/**
 * A floor's client on the one Redis of `redisUrls`: `prepare` loads what its attempt needs and returns it;
 * an acquire makes a random token and attempts until one succeeds, sleeping {@link RAW_RETRY_MS} between
 * attempts; the release is the owner-checked DEL script by EVALSHA (loaded once per connection).
 */
async function connectFloor(
  redisUrls: readonly string[],
  name: string,
  prepare: (redis: Redis) => TryLock | Promise<TryLock>,
): Promise<LockClient> {
  const redis = await connectRedis(singleUrl(redisUrls, name));
  const release = (await redis.script('LOAD', RELEASE_LUA)) as string;
  const tryLock = await prepare(redis);
  return {
    async acquire(key) {
      const token = randomBytes(16).toString('hex');
      while (!(await tryLock(key, token))) await sleep(RAW_RETRY_MS);
      return () => redis.evalsha(release, 1, key, token);
    },
    close: () => closeRedis(redis),
  };
}

/**
 * The floor every lock is compared with: `SET key token NX PX ttl`, then the owner-checked DEL script by
 * EVALSHA. When the key is busy it simply tries again after {@link RAW_RETRY_MS}.
 */
export const rawFloor: LockLibrary = {
  id: 'raw',
  name: 'raw floor',
  floor: true,
  settings: `SET key token NX PX ${BENCH_TTL_MS}, then an owner-checked DEL script by EVALSHA; when busy, SET again after ${RAW_RETRY_MS} ms`,
  connect: (redisUrls) =>
    connectFloor(
      redisUrls,
      'the raw floor',
      (redis) => async (key, token) => (await redis.set(key, token, 'PX', BENCH_TTL_MS, 'NX')) === 'OK',
    ),
};

/**
 * The raw floor plus a fencing token: the acquire is one script that runs SET NX PX and, when it succeeds,
 * INCR of the key's counter (no expiry on the counter, no queue, no clock). It prices the fence alone, the
 * least any lock that hands out fencing tokens pays per grant; the release is the raw floor's.
 */
export const fencedFloor: LockLibrary = {
  id: 'fenced',
  name: 'fenced floor',
  floor: true,
  settings: `one script: SET key token NX PX ${BENCH_TTL_MS}, then INCR key:fence when it was set; the raw floor's release and retry`,
  connect: (redisUrls) =>
    connectFloor(redisUrls, 'the fenced floor', async (redis) => {
      const acquire = (await redis.script('LOAD', FENCED_ACQUIRE_LUA)) as string;
      return async (key, token) =>
        Number(await redis.evalsha(acquire, 2, key, `${key}:fence`, token, BENCH_TTL_MS)) > 0;
    }),
};
