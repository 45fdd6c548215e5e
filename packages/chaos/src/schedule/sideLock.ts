import type fc from 'fast-check';
import { CHAOS_OTHER_KEY } from '../world/chaosKeys.js';
import { clientWait } from './clientWait.js';
import type { ScheduleShape } from './commands.js';
import { Step } from './Step.js';

/**
 * The `sideLock` steps: `acquireBeside(c, wait)` has client `c`'s lock client lock {@link CHAOS_OTHER_KEY} on its
 * own (one attempt, the run's ttl) at the moment `c` starts to acquire the run's key. Both grants start their
 * validity at that moment, so the lock client then holds two locks whose renewals fall due together: a lock that
 * renews several leases in one batch (deadbolt's `EXTEND_MANY`) does so here, and a batch that extends a lease
 * taken meanwhile by another client leaves the old holder believing (S1, S2) or reports a wrong extend (S9). The
 * second lock is not in the history; it is released with the run's key (or at once when that acquire fails).
 *
 * @example
 * ```ts
 * fc.commands([...sideLockCommands({ clients: 3, ttl: 1000, faults: ['sideLock'], bounds: 'within', driftFactor: 0.01 })])
 * ```
 */
export function sideLockCommands(shape: ScheduleShape): fc.Arbitrary<Step>[] {
  if (!shape.faults.includes('sideLock')) return [];
  const beside = clientWait(shape).map(
    ([i, wait]) =>
      new Step(
        `acquireBeside(c${i}, wait=${wait})`,
        (w) => w.clients[i]?.acquireBeside(wait, CHAOS_OTHER_KEY),
        'sideLock',
      ),
  );
  return [beside, beside];
}
