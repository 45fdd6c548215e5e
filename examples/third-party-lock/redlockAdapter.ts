import type { LockAdapter, LockHandle } from '@deadbolt/chaos';
import type { Redis } from 'ioredis';
import Redlock from 'redlock';

/** redlock's own defaults: 200 ms between attempts, ± 200 ms jitter. */
const RETRY_DELAY_MS = 200;
const RETRY_JITTER_MS = 200;
const DRIFT_FACTOR = 0.01;

/**
 * redlock 4 calls `evalsha(hash, args, callback)` and `eval(args, callback)`. Through these promise-based calls
 * every command passes the harness's fault injector (with a callback, ioredis-mock would answer directly).
 */
function server(redis: Redis): Redlock.Server {
  const settle =
    (callback: (error: Error | null, result?: unknown) => void) =>
    (promise: Promise<unknown>): void => {
      promise.then(
        (result) => callback(null, result),
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    };
  const call = redis as unknown as Record<'evalsha' | 'eval', (...args: unknown[]) => Promise<unknown>>;
  return {
    evalsha: (hash, args, callback) => settle(callback)(call.evalsha(hash, ...args)),
    eval: (args, callback) => settle(callback)(call.eval(...args)),
  };
}

/**
 * redlock 4.2.0 as a `LockAdapter` for `@deadbolt/chaos`. The lease key is the resource name (`redlock:<key>`), the
 * token its random value; a lock is believed held until its `expiration` (start + ttl − drift, on `Date.now()`).
 * It has no fence and no renewal, and it reads `Date.now()`, not the harness's per-client clock, so clock faults do
 * not reach it. A busy lock rejects with `LockError` after `retryCount` attempts; so does an attempt that failed on
 * errors (redlock does not tell them apart), which the adapter therefore reports as busy.
 *
 * @example
 * ```ts
 * await runChaos({ lock: redlockAdapter(), faults: ['pause', 'lostReply', 'latency', 'crash'] })
 * ```
 */
export function redlockAdapter(): LockAdapter {
  return {
    name: 'redlock 4.2.0',
    driftFactor: DRIFT_FACTOR,
    renews: false,
    // One attempt plus as many retries as the wait allows, each up to delay + jitter apart, plus slack.
    retryBound: (ttl) => ttl + 2 * (RETRY_DELAY_MS + RETRY_JITTER_MS),
    keyLifetime: (ttl) => ttl + 1,
    leaseKey: (key) => `redlock:${key}`,
    isBusy: (error) => error instanceof Redlock.LockError,
    connect: ({ redis, target }) => {
      const servers = (Array.isArray(target) ? target : [(target as Redis | undefined) ?? redis]).map(server);
      const instances = new Map<number, Redlock>();
      // redlock reads `options.retryCount || this.retryCount`: a per-call 0 means its default (10), so one
      // instance per retry count.
      const redlock = (retryCount: number): Redlock => {
        let instance = instances.get(retryCount);
        if (!instance) {
          instance = new Redlock(servers, {
            driftFactor: DRIFT_FACTOR,
            retryCount,
            retryDelay: RETRY_DELAY_MS,
            retryJitter: RETRY_JITTER_MS,
          });
          instance.on('clientError', () => {});
          instances.set(retryCount, instance);
        }
        return instance;
      };
      return {
        acquire: async (key, { ttl, wait }) => {
          const lock = await redlock(Math.floor(wait / RETRY_DELAY_MS)).lock(`redlock:${key}`, ttl);
          const handle: LockHandle = {
            token: lock.value,
            remaining: () => lock.expiration - Date.now(),
            release: () => lock.unlock(),
            extend: (more = ttl) => lock.extend(more),
          };
          return handle;
        },
        close: () => Promise.resolve(),
      };
    },
  };
}
