import { serverLeases } from '../checker/leases.js';
import type { History } from './History.js';

/** What one schedule exercised: how often the lock was granted, handed over and waited for while held. */
export interface Coverage {
  /** Acquires that returned a lock. */
  readonly grants: number;
  /**
   * Grants whose lease another process's command set (a release or a queue handing the lock on), known only where
   * the lease is observed exactly (the mock: each change names the process that made it); `undefined` elsewhere.
   * A hand-over inside one process (`clientsPerProcess`) cannot be told from the waiter's own acquire.
   */
  readonly handOvers: number | undefined;
  /** Acquires allowed to wait that were invoked while another token held the key's lease. */
  readonly contendedWaits: number;
}

/**
 * Counts what a history exercised, from its events alone (no knowledge of the lock's internals).
 *
 * @example
 * ```ts
 * const { grants, handOvers, contendedWaits } = coverage(world.history)
 * ```
 */
export function coverage(history: History): Coverage {
  const { events, params } = history;
  const exact = (params.leases ?? 'exact') === 'exact';
  const processOf = (client: number): number => params.processOf?.[client] ?? client;
  const leases = serverLeases(events);
  let grants = 0;
  let handOvers = 0;
  let contendedWaits = 0;
  for (const e of events) {
    if (e.type !== 'op' || e.op !== 'acquire') continue;
    if ((e.wait ?? 0) > 0 && leases.some((l) => l.key === e.key && l.start <= e.tInv && e.tInv < l.end))
      contendedWaits += 1;
    if (e.result !== 'ok' || e.token === undefined) continue;
    grants += 1;
    const set = events.find((l) => l.type === 'lease' && l.key === e.key && l.owner === e.token);
    if (set?.type === 'lease' && set.by !== undefined && processOf(set.by) !== processOf(e.client))
      handOvers += 1;
  }
  return { grants, handOvers: exact ? handOvers : undefined, contendedWaits };
}
