import fc from 'fast-check';
import { CHAOS_OTHER_KEY } from '../world/chaosKeys.js';
import { clientWait } from './clientWait.js';
import type { ScheduleShape } from './commands.js';
import { Step } from './Step.js';

/**
 * The `multiSlot` steps: `acquireBoth(c, wait)` locks the run's key together with {@link CHAOS_OTHER_KEY}, which
 * lies in another Cluster slot (on another master of the 3-master Cluster), under one token and one fence, mixed
 * with the single-key acquires of the run's key. With crashes, a multi-slot holder that never extends or releases
 * leaves each slot's own fence counter behind, and a later single-key grant must still get a higher fence (S4).
 *
 * @example
 * ```ts
 * fc.commands([...multiSlotCommands({ clients: 3, ttl: 1000, faults: ['multiSlot', 'crash'], bounds: 'within', driftFactor: 0.01 })])
 * ```
 */
export function multiSlotCommands(shape: ScheduleShape): fc.Arbitrary<Step>[] {
  if (!shape.faults.includes('multiSlot')) return [];
  const both = clientWait(shape).map(
    ([i, wait]) =>
      new Step(
        `acquireBoth(c${i}, wait=${wait})`,
        (w) => w.clients[i]?.acquire(wait, [CHAOS_OTHER_KEY]),
        'multiSlot',
      ),
  );
  // A multi-slot holder that crashes the moment it is granted (it never extends or releases), and another client
  // that then waits for the key alone.
  const abandoned = fc.nat(shape.clients - 1).map(
    (i) =>
      new Step(
        `abandonBoth(c${i})`,
        (w) =>
          w.clients[i]?.acquire(0, [CHAOS_OTHER_KEY], () => {
            w.clients[i]?.crash();
            // Another client waits for the key alone at once: it is granted when the abandoned lease lapses.
            w.clients.find((o) => !o.crashed && !o.held)?.acquire(2 * shape.ttl);
          }),
        'multiSlot',
        true,
      ),
  );
  return [both, both, abandoned, abandoned];
}
