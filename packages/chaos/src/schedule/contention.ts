import fc from 'fast-check';
import { sharedDraw, type ScheduleShape } from './commands.js';
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
  const waitArb = fc.integer({ min: Math.round(ttl / 2), max: 3 * ttl });
  const idsArb = fc.uniqueArray(fc.nat(clients - 1), { minLength: 2, maxLength: clients });
  const ratio = shape.sharedRatio ?? 0;
  // With read shares, each rushing client's mode is drawn too (after the rest: seeds without them replay unchanged).
  const rush = (
    ratio <= 0
      ? fc.tuple(idsArb, waitArb).map(([ids, wait]) => ({ ids, wait, modes: ids.map(() => false) }))
      : fc
          .tuple(idsArb, waitArb, fc.array(sharedDraw(ratio), { minLength: clients, maxLength: clients }))
          .map(([ids, wait, modes]) => ({ ids, wait, modes }))
  ).map(
    ({ ids, wait, modes }) =>
      new Step(
        `rush(${ids.map((i, n) => `c${i}${modes[n] ? ' shared' : ''}`).join(',')}, wait=${wait})`,
        (w) => {
          ids.forEach((i, n) => w.clients[i]?.acquire(wait, [], undefined, modes[n]));
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
