import fc from 'fast-check';
import type { ChaosWorld } from '../world/ChaosWorld.js';
import type { ScheduleShape } from './commands.js';
import { Step } from './Step.js';

/**
 * The `idleGap` step: every holder lets go, the acquires in flight settle (their waits are at most 3 ttls), and
 * then the key stays untouched for longer than any key of the lock may outlive its last use
 * (`LockAdapter.keyLifetime`): its fence counter expires, and the next grant restarts it, which must still give a
 * higher fence than every grant before (S4). Virtual time makes the minute-long gap cheap on the mock; on real
 * Redis it is real time.
 *
 * @example
 * ```ts
 * fc.commands([...idleGapCommands({ clients: 3, ttl: 1000, faults: ['idleGap'], bounds: 'within', driftFactor: 0.01, keyLifetime: 60_001 })])
 * ```
 */
export function idleGapCommands(shape: ScheduleShape): fc.Arbitrary<Step>[] {
  if (!shape.faults.includes('idleGap')) return [];
  const quiet = shape.keyLifetime ?? shape.ttl;
  return [fc.constant(new Step(`idleGap(${quiet})`, (w) => idleGap(w, 3 * shape.ttl, quiet), 'idleGap'))];
}

async function idleGap(world: ChaosWorld, settle: number, quiet: number): Promise<void> {
  for (const c of world.clients) c.release();
  await world.advance(settle);
  // What was granted meanwhile goes too (a holder busy with its work keeps its lock: this gap then restarts nothing).
  for (const c of world.clients) c.release();
  await world.advance(quiet);
}
