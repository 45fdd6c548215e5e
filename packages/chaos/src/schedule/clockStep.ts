import fc from 'fast-check';
import type { ChaosWorld } from '../world/ChaosWorld.js';
import type { ScheduleShape } from './commands.js';
import { Step } from './Step.js';

/** The shortest backward step drawn, in ms: longer than any queue-entry lifetime plus tolerance a lock may keep. */
export const CLOCK_STEP_BACK_MIN_MS = 10_000;
/** The longest backward step drawn, in ms (10 minutes, as after an NTP step of a long-drifted clock). */
export const CLOCK_STEP_BACK_MAX_MS = 600_000;

/**
 * The `clockStep` server fault (real backend): node `n`'s wall clock steps, as under an NTP step or `date -s`, from
 * its next command on; its monotonic clock and every client's clock do not move. Forward by 1 to 4 ttls (past every
 * lease on the node: a lease ends early, beyond the bounds of any lease on one node), or back by
 * {@link CLOCK_STEP_BACK_MIN_MS} to {@link CLOCK_STEP_BACK_MAX_MS} (within the bounds: leases last longer, and a
 * lock must keep a free key grantable within its retry bound plus `LockAdapter.clockStepSlack`). Drawn as often
 * back as forward.
 *
 * @example
 * ```ts
 * fc.commands(clockStepCommands({ clients: 3, ttl: 1_000, faults: ['clockStep'], bounds: 'within', driftFactor: 0.01 }))
 * ```
 */
export function clockStepCommands(shape: ScheduleShape): fc.Arbitrary<Step>[] {
  if (!shape.faults.includes('clockStep')) return [];
  const node = fc.nat(Math.max(0, (shape.nodes ?? 1) - 1));
  const size = fc.oneof(
    fc.integer({ min: shape.ttl, max: 4 * shape.ttl }),
    fc.integer({ min: -CLOCK_STEP_BACK_MAX_MS, max: -CLOCK_STEP_BACK_MIN_MS }),
  );
  return [
    fc
      .tuple(node, size)
      .map(([n, ms]) => new Step(`clockStep(n${n}, ${ms})`, (w) => clockStep(w, n, ms), 'clockStep')),
  ];
}

/** Steps node `node`'s clock by `ms` and records it: a forward step beyond the bounds, a backward one within. */
function clockStep(world: ChaosWorld, node: number, ms: number): void {
  if (!world.server?.clockStep?.(node, ms)) return;
  world.history.fault({ kind: 'clockStep', node, amount: ms, beyond: ms > 0 });
}
