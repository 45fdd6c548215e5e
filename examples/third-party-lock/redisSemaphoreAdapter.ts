import type { LockAdapter, LockHandle } from '@deadbolt/chaos';
import type { Redis } from 'ioredis';
import { Mutex, RedlockMutex } from 'redis-semaphore';

/** redis-semaphore's own default: a waiting acquire tries again every 10 ms. */
const RETRY_INTERVAL_MS = 10;

/**
 * redis-semaphore 5.8's `Mutex` (one Redis) or `RedlockMutex` (a majority of independent masters) as a
 * `LockAdapter` for `@deadbolt/chaos`. The lease key is `mutex:<key>`, the token the mutex's identifier (drawn from
 * the harness's seeded random source, so that a replay uses the same tokens). A held mutex refreshes its lease every
 * 0.8 × ttl (the library's default) and calls `onLockLost` when a refresh finds it gone, which aborts the handle's
 * signal. It reports no validity (no `remaining()`) and has no fence and no extend; it reads `Date.now()`, so the
 * harness's per-client clock faults do not reach it. One mutex per acquire; `tryAcquire` answers busy as `false`.
 *
 * @example
 * ```ts
 * await runChaos({ lock: redisSemaphoreAdapter('Mutex') })
 * await runChaos({ lock: redisSemaphoreAdapter('RedlockMutex'), backend: 'redis', topology: 'quorum3' })
 * ```
 */
export function redisSemaphoreAdapter(kind: 'Mutex' | 'RedlockMutex'): LockAdapter {
  return {
    name: `redis-semaphore 5.8 ${kind}`,
    driftFactor: 0.01,
    renews: true,
    // A waiter polls every 10 ms and no queue orders the waiters: a free lock is taken within a poll, plus slack.
    retryBound: () => RETRY_INTERVAL_MS + 90,
    keyLifetime: (ttl) => ttl + 1,
    leaseKey: (key) => `mutex:${key}`,
    connect: ({ redis, target, random }) => {
      const single = (target as Redis | undefined) ?? redis;
      const nodes: Redis[] = Array.isArray(target) ? target : [single];
      const held = new Set<Mutex | RedlockMutex>();
      return {
        acquire: async (key, { ttl, wait }) => {
          const identifier = Math.floor(random() * 2 ** 52).toString(36);
          const lost = new AbortController();
          const options = {
            lockTimeout: ttl,
            acquireTimeout: Math.max(1, wait),
            acquireAttemptsLimit: wait === 0 ? 1 : Number.POSITIVE_INFINITY,
            retryInterval: RETRY_INTERVAL_MS,
            identifier,
            onLockLost: (error: Error) => lost.abort(error),
          };
          const mutex =
            kind === 'Mutex'
              ? new Mutex(nodes[0] ?? single, key, options)
              : new RedlockMutex(nodes, key, options);
          if (!(await mutex.tryAcquire())) return null;
          held.add(mutex);
          const handle: LockHandle = {
            token: identifier,
            signal: lost.signal,
            release: async () => {
              held.delete(mutex);
              await mutex.release();
            },
            extend: () => Promise.reject(new Error('redis-semaphore has no extend: it refreshes by itself')),
          };
          return handle;
        },
        close: () => {
          for (const mutex of held) mutex.stopRefresh();
          held.clear();
          return Promise.resolve();
        },
      };
    },
  };
}
