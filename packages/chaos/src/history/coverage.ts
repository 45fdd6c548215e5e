import { serverLeases } from '../checker/leases.js';
import type { History } from './History.js';

/** What one schedule exercised: how often the lock was granted, handed over and waited for while held. */
export interface Coverage {
  /** Acquires that returned a lock. */
  readonly grants: number;
  /**
   * Grants whose lease (or, for a permit or read share, whose entry in the holders set) another process's command set
   * (a release or a queue handing the lock on), known only where the lease is observed exactly (the mock: each
   * change names the process that made it); `undefined` elsewhere.
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
    const setBy = grantedBy(events, e.key, e.token);
    if (setBy !== undefined && processOf(setBy) !== processOf(e.client)) handOvers += 1;
  }
  return { grants, handOvers: exact ? handOvers : undefined, contendedWaits };
}

/**
 * The client whose command first gave `token` the key: set the lease to it, or, in the counted modes (whose lease
 * holds a marker), added it to the holders set. `undefined` when never observed.
 */
function grantedBy(events: History['events'], key: string, token: string): number | undefined {
  for (const e of events) {
    if (e.type === 'lease' && e.key === key && e.owner === token) return e.by;
    if (e.type === 'holders' && e.key === key && e.holders.some((h) => h.token === token)) return e.by;
  }
  return undefined;
}
