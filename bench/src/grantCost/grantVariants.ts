import { createHash, randomBytes } from 'node:crypto';
import type * as DeadboltCore from '@deadbolt/core';
import type { Redis } from 'ioredis';

/** One way to take and give back a lock on a fresh key: resolves the release, or `undefined` when busy. */
export type Grant = (key: string) => Promise<(() => Promise<unknown>) | undefined>;

/** A measured way to lock: its name and how to build its {@link Grant} on a connection. */
export interface GrantVariant {
  readonly name: string;
  /** Builds the variant on `redis`; `close` stops what it started (a locker). */
  open(redis: Redis): { grant: Grant; close(): Promise<void> };
}

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;
const RELEASE_SHA = createHash('sha1').update(RELEASE).digest('hex');
const TTL_MS = 10_000;

/**
 * The floor, as the middleware scenario's raw lock middleware (`rawLockMiddleware.ts`) does it: `SET key token
 * NX PX`, then the owner-checked DEL script by EVALSHA (EVAL after NOSCRIPT).
 *
 * @example
 * ```ts
 * const { grant } = RAW_FLOOR.open(redis)
 * const release = await grant('item:1') // then: await release?.()
 * ```
 */
export const RAW_FLOOR: GrantVariant = {
  name: 'raw',
  open(redis) {
    const release = async (key: string, token: string): Promise<unknown> => {
      try {
        return await redis.evalsha(RELEASE_SHA, 1, key, token);
      } catch (error) {
        if (!String(error).includes('NOSCRIPT')) throw error;
        return redis.eval(RELEASE, 1, key, token);
      }
    };
    return {
      grant: async (key) => {
        const token = randomBytes(16).toString('base64url');
        if ((await redis.set(key, token, 'PX', TTL_MS, 'NX')) !== 'OK') return undefined;
        return () => release(key, token);
      },
      close: () => Promise.resolve(),
    };
  },
};

/**
 * `locker.acquire(key)` then `lock.release()` of a core (`core`, labelled `label`), with `options` given to
 * `createLocker` (none: deadbolt's defaults, ttl 10 s, renew, wait 10 s, fair).
 *
 * @example
 * ```ts
 * const variant = deadboltVariant(core, 'deadbolt renew:false', { renew: false })
 * ```
 */
export function deadboltVariant(
  core: typeof DeadboltCore,
  label: string,
  options: DeadboltCore.LockerOptions = {},
): GrantVariant {
  return {
    name: label,
    open(redis) {
      const locker = core.createLocker(redis, options);
      return {
        grant: async (key) => {
          const lock = await locker.acquire(key);
          return () => lock.release();
        },
        close: () => locker.close(),
      };
    },
  };
}

/**
 * `locker.acquire(key, options)` as `lockRequests` calls it: a frozen options object per abort signal (`wait` and
 * the signal, which does not interrupt the first attempt), the signals of a pool of controllers, one per acquire
 * in flight, reused in turn.
 *
 * @example
 * ```ts
 * const variant = signalledVariant(core, 'deadbolt signal', 32)
 * ```
 */
export function signalledVariant(core: typeof DeadboltCore, label: string, pool: number): GrantVariant {
  const options = Array.from({ length: pool }, () =>
    Object.freeze({ wait: 10_000, signal: new AbortController().signal, interruptFirstAttempt: false }),
  );
  return {
    name: label,
    open(redis) {
      const locker = core.createLocker(redis);
      let next = 0;
      return {
        grant: async (key) => {
          next = (next + 1) % pool;
          const lock = await locker.acquire(key, options[next]);
          return () => lock.release();
        },
        close: () => locker.close(),
      };
    },
  };
}

/** The deadbolt settings measured by default, to attribute its cost: defaults, then one option off at a time. */
export const DEADBOLT_SETTINGS: readonly [string, DeadboltCore.LockerOptions][] = [
  ['default', {}],
  ['renew:false', { renew: false }],
  ['fair:false', { fair: false }],
  ['wait:0', { wait: 0 }],
];
