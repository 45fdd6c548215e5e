import type { LockAdapter } from '../adapter/LockAdapter.js';
import type { TtlRange } from '../options.js';
import { ALL_FAULTS, REACH_FAULTS, REAL_FAULTS, type ChaosFault } from './faults.js';

/** What the default fault set depends on: the backend, the topology, the lock under test and its modes. */
export interface DefaultFaultsInput {
  readonly backend: 'mock' | 'redis';
  readonly topology: string;
  readonly lock: Pick<LockAdapter, 'multiKey' | 'paths'>;
  /** The run's ttl range, for the paths the lock claims (`LockAdapter.paths`). Default `{ min: 100, max: 3_000 }`. */
  readonly ttl?: TtlRange | undefined;
  /** Permits of the key (`ChaosOptions.limit`). Default `1`. */
  readonly limit?: number | undefined;
  /** Share of read-share acquires (`ChaosOptions.sharedRatio`). Default `0`. */
  readonly sharedRatio?: number | undefined;
}

/**
 * The faults a run draws when it names none. On `mock`: the base faults ({@link ALL_FAULTS}) and the
 * {@link REACH_FAULTS}, so that a plain run reaches every path of the lock (multi-key grants, refused extends, fence
 * counter restarts), except `multiSlot` where it cannot run: for a lock without `multiKey` (a single-key lock is
 * not refused by its defaults), with `limit` above 1 or a `sharedRatio` (multi-key acquires are exclusive), and on the
 * Cluster; and `idleGap` for a lock that does not claim the `fenceRestart` path (`LockAdapter.paths`): a lock whose
 * fence counter expires and restarts at 1, as the simple reference locks' does, breaks S4 after every idle gap, so a
 * lock is put through it by default only when it says its counter restarts safely (deadbolt's restarts at the
 * server clock); name it in `faults` to try any lock. On `redis`: {@link REAL_FAULTS}, unchanged: its runs are a few schedules in real time, where an `idleGap`
 * is a minute of waiting; the reach faults are asked for by name there.
 *
 * @example
 * ```ts
 * defaultFaults({ backend: 'mock', topology: 'single', lock: deadboltAdapter() }) // ALL_FAULTS + the 4 reach faults
 * defaultFaults({ backend: 'mock', topology: 'single', lock: { multiKey: false } }) // without multiSlot
 * ```
 */
export function defaultFaults(input: DefaultFaultsInput): readonly ChaosFault[] {
  if (input.backend === 'redis') return REAL_FAULTS;
  const multiSlot =
    input.lock.multiKey === true &&
    input.topology !== 'cluster' &&
    (input.limit ?? 1) === 1 &&
    (input.sharedRatio ?? 0) === 0;
  const restarts = (input.lock.paths?.(input.ttl ?? { min: 100, max: 3_000 }) ?? []).includes('fenceRestart');
  const drawn = (f: ChaosFault): boolean => (f !== 'multiSlot' || multiSlot) && (f !== 'idleGap' || restarts);
  return [...ALL_FAULTS, ...REACH_FAULTS.filter(drawn)];
}
