import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { closeNodeRedis, closeRedis, connectNodeRedis, connectRedis, singleUrl } from './connect.js';
import { BENCH_TTL_MS, requireExclusive, type LockClient, type LockLibrary } from './LockLibrary.js';

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

/** A floor's connection: one raw command at a time, as the client sends it, and a way to close it. */
interface FloorConnection {
  readonly command: (args: readonly string[]) => Promise<unknown>;
  readonly close: () => Promise<void>;
}

/** The Redis client a floor (or deadbolt) runs on in the benchmark. */
type BenchClient = LockLibrary['client'];

/** A floor's connection on an open ioredis client: raw commands by `call`; closing it closes the client. */
function ioredisConnection(redis: Redis): FloorConnection {
  return {
    command: ([command = '', ...args]) => redis.call(command, ...args),
    close: () => closeRedis(redis),
  };
}

/** The clients a floor runs on: ioredis (the floors of every scenario) and node-redis. */
const FLOOR_CLIENTS: Readonly<Record<BenchClient, (url: string) => Promise<FloorConnection>>> = {
  ioredis: async (url: string): Promise<FloorConnection> => ioredisConnection(await connectRedis(url)),
  'node-redis': async (url: string): Promise<FloorConnection> => {
    const client = await connectNodeRedis(url);
    return { command: (args) => client.sendCommand([...args]), close: () => closeNodeRedis(client) };
  },
};

/**
 * A floor's client on the one Redis of `redisUrls`, on a new connection of `client` (see {@link floorClient}).
 */
async function connectFloor(
  redisUrls: readonly string[],
  name: string,
  client: BenchClient,
  prepare: (connection: FloorConnection) => TryLock | Promise<TryLock>,
): Promise<LockClient> {
  return floorClient(await FLOOR_CLIENTS[client](singleUrl(redisUrls, name)), name, prepare);
}

/**
 * A floor's client on `connection`: `prepare` loads what its attempt needs and returns it; an acquire makes a
 * random token and attempts until one succeeds, sleeping {@link RAW_RETRY_MS} between attempts; the release is
 * the owner-checked DEL script by EVALSHA (loaded once per connection).
 */
async function floorClient(
  connection: FloorConnection,
  name: string,
  prepare: (connection: FloorConnection) => TryLock | Promise<TryLock>,
): Promise<LockClient> {
  const release = String(await connection.command(['SCRIPT', 'LOAD', RELEASE_LUA]));
  const tryLock = await prepare(connection);
  return {
    async acquire(key, mode) {
      requireExclusive(name, mode);
      const token = randomBytes(16).toString('hex');
      while (!(await tryLock(key, token))) await sleep(RAW_RETRY_MS);
      return () => connection.command(['EVALSHA', release, '1', key, token]);
    },
    close: connection.close,
  };
}

/** `SET key token NX PX ttl`: the raw floor's attempt. */
const setNxPx =
  (connection: FloorConnection): TryLock =>
  async (key, token) =>
    (await connection.command(['SET', key, token, 'NX', 'PX', String(BENCH_TTL_MS)])) === 'OK';

/**
 * The floor every lock is compared with: `SET key token NX PX ttl`, then the owner-checked DEL script by
 * EVALSHA. When the key is busy it simply tries again after {@link RAW_RETRY_MS}.
 */
export const rawFloor: LockLibrary = {
  id: 'raw',
  name: 'raw floor',
  floor: true,
  client: 'ioredis',
  settings: `SET key token NX PX ${BENCH_TTL_MS}, then an owner-checked DEL script by EVALSHA; when busy, SET again after ${RAW_RETRY_MS} ms`,
  connect: (redisUrls) => connectFloor(redisUrls, 'the raw floor', 'ioredis', setNxPx),
};

/** The raw floor on node-redis (`createClient`, raw commands by `sendCommand`): the floor for deadbolt on node-redis. */
export const rawFloorNodeRedis: LockLibrary = {
  id: 'raw-node-redis',
  name: 'raw floor (node-redis)',
  floor: true,
  client: 'node-redis',
  settings: `the raw floor's commands, sent by node-redis's sendCommand on a createClient({ url }) connection`,
  connect: (redisUrls) => connectFloor(redisUrls, 'the raw floor on node-redis', 'node-redis', setNxPx),
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
  client: 'ioredis',
  settings: `one script: SET key token NX PX ${BENCH_TTL_MS}, then INCR key:fence when it was set; the raw floor's release and retry`,
  connect: (redisUrls) =>
    connectFloor(redisUrls, 'the fenced floor', 'ioredis', async (connection) => {
      const acquire = String(await connection.command(['SCRIPT', 'LOAD', FENCED_ACQUIRE_LUA]));
      return async (key, token) =>
        Number(
          await connection.command([
            'EVALSHA',
            acquire,
            '2',
            key,
            `${key}:fence`,
            token,
            String(BENCH_TTL_MS),
          ]),
        ) > 0;
    }),
};

/**
 * The raw floor on an ioredis connection the caller opened (with its own options, such as
 * `enableAutoPipelining`); closing the client closes `redis`.
 *
 * @example
 * ```ts
 * const floor = await rawFloorOn(await connectRedis(url, { enableAutoPipelining: true }))
 * ```
 */
export function rawFloorOn(redis: Redis): Promise<LockClient> {
  return floorClient(ioredisConnection(redis), 'the raw floor', setNxPx);
}
