import type { History } from '../history/History.js';
import type { ClientEnv } from './ChaosClient.js';
import { CHAOS_KEY } from './chaosKeys.js';
import { FencedResource, PlainResource } from './Resources.js';
import type { WorldConfig } from './WorldConfig.js';

/**
 * What every client of one world shares, on either backend: the run's key and lease key, ttl, permits and bounds,
 * the lock's busy test, fresh protected resources, and how the backend reads the lease's owner (`observer`), with
 * what the backend adds (`more`).
 *
 * @example
 * ```ts
 * const env = clientEnv(config, history, { owner: (key) => ownerOf(key) }, { stallMargin: 50 })
 * ```
 */
export function clientEnv(
  config: WorldConfig,
  history: History,
  observer: ClientEnv['observer'],
  more: Pick<ClientEnv, 'entries' | 'stallMargin'> = {},
): ClientEnv {
  const { lock } = config;
  return {
    history,
    key: CHAOS_KEY,
    leaseKey: lock.leaseKey(CHAOS_KEY),
    ttl: config.ttl,
    limit: config.limit ?? 1,
    bounds: config.bounds,
    isBusy: (error: unknown) => lock.isBusy?.(error) ?? false,
    plain: new PlainResource(),
    fenced: new FencedResource(),
    observer,
    ...more,
  };
}
