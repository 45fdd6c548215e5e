import {
  BACKOFF_CAP_MS,
  CLOCK_STEP_TOLERANCE_MS,
  createLocker,
  fenceTtl,
  HEARTBEAT_MS,
  lockKeys,
  QUEUE_ENTRY_MS,
  type LockerOptions,
} from '@deadbolt/core';
import type { PathName } from '../paths/pathCounts.js';
import type { AdapterAcquireOptions, LockAdapter } from './LockAdapter.js';

/** Fair-queue entry lifetime + backoff cap + heartbeat of `@deadbolt/core`, plus slack, in ms. */
const DEADBOLT_RETRY_BOUND_MS = QUEUE_ENTRY_MS + BACKOFF_CAP_MS + HEARTBEAT_MS + 100;

/** Options of {@link deadboltAdapter}: any locker option except the clock, which the harness owns. */
export type DeadboltAdapterOptions = Omit<LockerOptions, 'now'>;

/**
 * The built-in adapter: one `createLocker` per client, with the harness's clock. Defaults: deadbolt's own
 * (`prefix` 'deadbolt', `renew` true, `fair` true, `driftFactor` 0.01) except `commandTimeout` 200 ms.
 *
 * @example
 * ```ts
 * await runChaos({ lock: deadboltAdapter({ fair: false }) })
 * ```
 */
export function deadboltAdapter(options: DeadboltAdapterOptions = {}): LockAdapter {
  const prefix = options.prefix ?? 'deadbolt';
  const driftFactor = options.driftFactor ?? 0.01;
  const renews = options.renew ?? true;
  return {
    name: 'deadbolt',
    driftFactor,
    renews,
    retryBound: () => DEADBOLT_RETRY_BOUND_MS + (options.commandTimeout ?? 200),
    // A queue entry that reads more than QUEUE_ENTRY_MS + this ahead after a backward step is cut back.
    clockStepSlack: CLOCK_STEP_TOLERANCE_MS,
    keyLifetime: (ttl) => fenceTtl(ttl) + 1,
    leaseKey: (key) => lockKeys(prefix, key).lease,
    holdersKey: (key) => lockKeys(prefix, key).holders,
    modes: true,
    isBusy: (error) => (error as { code?: unknown }).code === 'ERR_LOCK_BUSY',
    child: { kind: 'deadbolt', options },
    multiKey: true,
    replicaConfirmed: (options.replicas?.wait ?? 0) >= 1,
    fair: options.fair ?? true,
    // A release hands the lock to a waiter (of a fair lock) only when the waiter's ttl is at least QUEUE_ENTRY_MS.
    paths: (ttl): PathName[] => [
      'grant',
      'contendedWait',
      ...((options.fair ?? true) && ttl.max >= QUEUE_ENTRY_MS ? (['handOver'] as const) : []),
      'multiKey',
      'extendOk',
      'extendRefused',
      'fenceRestart',
      'quorumDecision',
    ],
    connect({ redis, target, client, now }) {
      const connection = client?.connection ?? target ?? redis;
      const locker = createLocker(connection, { commandTimeout: 200, ...options, now });
      const acquire = (key: string | readonly string[], { signal, ...rest }: AdapterAcquireOptions) =>
        locker.acquire(key, signal === undefined ? rest : { ...rest, signal });
      return {
        acquire,
        acquireAll: acquire,
        close: () => locker.close(),
      };
    },
  };
}
