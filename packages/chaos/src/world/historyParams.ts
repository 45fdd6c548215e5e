import type { LockAdapter } from '../adapter/LockAdapter.js';
import type { HistoryParams } from '../history/History.js';
import { processOfClients } from './processes.js';
import { CHAOS_KEY, CHAOS_OTHER_KEY } from './chaosKeys.js';
import type { WorldConfig } from './WorldConfig.js';

/**
 * What the checker must know about one run's lock and shape, the same for both backends: its ttl, the lock's
 * bounds, who shares a process, how the lease is observed and which keys the lock means to keep.
 *
 * @example
 * ```ts
 * new History(historyParams(lock, { key: 'resource', ttl: 1000, clients: 5, clientsPerProcess: 1, leases: 'exact' }), now)
 * ```
 */
export function historyParams(
  lock: LockAdapter,
  run: {
    key: string;
    ttl: number;
    clients: number;
    clientsPerProcess: number;
    leases: 'exact' | 'sampled';
    voters?: number;
    /** Permits of the key. Default `1`. */
    limit?: number;
    /** Whether acquires may ask for read shares. Default `false`. */
    shared?: boolean;
  },
): HistoryParams {
  return {
    ...((run.limit ?? 1) > 1 ? { limit: run.limit } : {}),
    ...(run.shared === true ? { shared: true } : {}),
    // A fair queue lives on one node: across a quorum of masters the votes are not queued (deadbolt's are not), so
    // arrival order is not held to there.
    ...(lock.fair === true && (run.voters ?? 1) <= 1 ? { fair: true } : {}),
    ttl: run.ttl,
    driftFactor: lock.driftFactor,
    retryBound: lock.retryBound(run.ttl),
    ...(lock.clockStepSlack === undefined ? {} : { clockStepSlack: lock.clockStepSlack }),
    keyLifetime: lock.keyLifetime(run.ttl),
    renews: lock.renews,
    processOf: processOfClients(run.clients, run.clientsPerProcess),
    leases: run.leases,
    // The keys of the key that multiSlot acquires lock too are the lock's as well.
    persistentKeys: [run.key, CHAOS_OTHER_KEY].flatMap((key) => lock.persistentKeys?.(key) ?? []),
    ...(run.voters === undefined ? {} : { voters: run.voters }),
    ...(lock.replicaConfirmed === true ? { replicaConfirmed: true } : {}),
  };
}

/**
 * {@link historyParams} of one world's run: its lock, ttl, clients and counted modes on the run's key, its leases
 * observed `leases`, the lease a majority of `voters` masters holds (absent: one master).
 *
 * @example
 * ```ts
 * new History(worldHistoryParams(config, 'sampled', topology.quorum ? topology.servers.length : undefined), now)
 * ```
 */
export function worldHistoryParams(
  config: WorldConfig,
  leases: 'exact' | 'sampled',
  voters: number | undefined,
): HistoryParams {
  return historyParams(config.lock, {
    key: CHAOS_KEY,
    ttl: config.ttl,
    clients: config.clients,
    clientsPerProcess: config.clientsPerProcess ?? 1,
    leases,
    ...(voters === undefined ? {} : { voters }),
    ...(config.limit === undefined ? {} : { limit: config.limit }),
    ...(config.shared === undefined ? {} : { shared: config.shared }),
  });
}
