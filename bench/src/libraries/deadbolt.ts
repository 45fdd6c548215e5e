import { createLocker, type Locker } from '@deadbolt/core';
import type { Redis } from 'ioredis';
import {
  closeNodeRedis,
  closeRedis,
  connectAll,
  connectNodeRedis,
  connectRedis,
  singleUrl,
} from './connect.js';
import { BENCH_TTL_MS, type LockClient, type LockLibrary } from './LockLibrary.js';

/**
 * The benchmark's client for `locker`: one `acquire` per grant, in the mode asked for (`mutex`: every acquire
 * exclusive, whatever the mode); `close` closes the locker, then `closeRedis`.
 */
function lockerClient(locker: Locker, closeRedis: () => Promise<unknown>, mutex = false): LockClient {
  return {
    async acquire(key, mode) {
      const lock = await locker.acquire(key, mutex ? undefined : mode);
      return () => lock.release();
    },
    async close() {
      await locker.close();
      await closeRedis();
    },
  };
}

/**
 * deadbolt with its defaults (renewal on, fair waiting, wait 10 s); only the ttl is spelled out. Given several
 * URLs it locks on those masters in quorum mode (`createLocker([r1, …, rN])`).
 */
export const deadbolt: LockLibrary = {
  id: 'deadbolt',
  name: 'deadbolt',
  floor: false,
  client: 'ioredis',
  settings: `createLocker(redis, { ttl: ${BENCH_TTL_MS} }): defaults otherwise (renew on, fair on, wait 10 s)`,
  quorumSettings: `createLocker([r1, r2, r3], { ttl: ${BENCH_TTL_MS} }): defaults otherwise (majority 2 of 3, per-node timeout min(commandTimeout 1000, ttl/10) = 1000 ms, renew on, wait 10 s)`,
  async connect(redisUrls) {
    const clients = await connectAll(redisUrls);
    const [only] = clients;
    const locker = createLocker(clients.length === 1 && only ? only : clients, { ttl: BENCH_TTL_MS });
    return lockerClient(locker, () => Promise.all(clients.map(closeRedis)));
  },
};

/**
 * deadbolt with the same settings, every acquire exclusive even when the scenario asks for a read share: the
 * read-write scenario's plain mutex, the same workload without shared holds.
 */
export const deadboltMutex: LockLibrary = {
  id: 'deadbolt-mutex',
  name: 'deadbolt (mutex)',
  floor: false,
  client: 'ioredis',
  settings: `deadbolt's settings, every acquire exclusive (the read-write scenario's "reads" too): the plain mutex under the same workload`,
  async connect(redisUrls) {
    const redis = await connectRedis(singleUrl(redisUrls, 'deadbolt as a mutex'));
    const locker = createLocker(redis, { ttl: BENCH_TTL_MS });
    return lockerClient(locker, () => closeRedis(redis), true);
  },
};

/** deadbolt with the same settings on a node-redis client (`createClient({ url })`), single Redis only. */
export const deadboltNodeRedis: LockLibrary = {
  id: 'deadbolt-node-redis',
  name: 'deadbolt (node-redis)',
  floor: false,
  client: 'node-redis',
  settings: `createLocker(client, { ttl: ${BENCH_TTL_MS} }) on a node-redis createClient({ url }) connection: defaults otherwise`,
  async connect(redisUrls) {
    const client = await connectNodeRedis(singleUrl(redisUrls, 'deadbolt on node-redis'));
    return lockerClient(createLocker(client, { ttl: BENCH_TTL_MS }), () => closeNodeRedis(client));
  },
};

/**
 * deadbolt with the benchmark's settings on an ioredis connection the caller opened (with its own options, such
 * as `enableAutoPipelining`); closing the client closes the locker, then `redis`.
 *
 * @example
 * ```ts
 * const client = deadboltOn(await connectRedis(url, { enableAutoPipelining: true }))
 * ```
 */
export function deadboltOn(redis: Redis): LockClient {
  return lockerClient(createLocker(redis, { ttl: BENCH_TTL_MS }), () => closeRedis(redis));
}
