import fc from 'fast-check';
import type { ScheduleShape } from './commands.js';
import { Step } from './Step.js';

/**
 * The steps that bias a schedule toward contention (`contention: true`): `rush` starts several clients waiting on
 * the key at the same instant, each with a wait of half a ttl to three ttls (so that they queue behind a holder),
 * and `handOff` makes whoever holds the lock release it, so that the queue is served: grants, hand-overs and
 * wake-ups follow one another.
 *
 * @example
 * ```ts
 * fc.commands([...scheduleCommands(shape), ...contentionCommands(shape)])
 * ```
 */
export function contentionCommands(shape: ScheduleShape): fc.Arbitrary<Step>[] {
  const { ttl, clients } = shape;
  const rush = fc
    .tuple(
      fc.uniqueArray(fc.nat(clients - 1), { minLength: 2, maxLength: clients }),
      fc.integer({ min: Math.round(ttl / 2), max: 3 * ttl }),
    )
    .map(
      ([ids, wait]) =>
        new Step(
          `rush(${ids.map((i) => `c${i}`).join(',')}, wait=${wait})`,
          (w) => {
            for (const i of ids) w.clients[i]?.acquire(wait);
          },
          'rush',
        ),
    );
  // Whoever holds the lock now lets it go, so that the waiters queued behind it are served in turn.
  const handOff = fc.constant(
    new Step(
      'handOff()',
      (w) => {
        for (const c of w.clients) if (c.held) c.release();
      },
      'handOff',
    ),
  );
  return [rush, rush, handOff, handOff, handOff];
}
