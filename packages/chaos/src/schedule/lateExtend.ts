import fc from 'fast-check';
import type { ChaosWorld } from '../world/ChaosWorld.js';
import type { ScheduleShape } from './commands.js';
import { hit } from './hit.js';
import { Step } from './Step.js';

/**
 * The `lateExtend` step: `lateExtend(c, ms)` takes a holder (client `c`, or the next one that holds), fails its
 * commands unapplied for `ms` (a `renewalFailure` of up to 2 ttls) and has it extend the moment they work again.
 * A failure shorter than the lease's validity ends in an extend that must be done; a longer one in a lease that
 * lapsed (or was taken), whose extend must be refused as lost (S9: no extend reported ok on a lease that was not
 * ours, and a refused one comes with the loss signal). Without it, a plain schedule's `extend` steps rarely meet a
 * lost lease: deadbolt renews by itself, so an extend is refused only in the short span between a lapse and the
 * holder's release.
 *
 * @example
 * ```ts
 * fc.commands([...lateExtendCommands({ clients: 3, ttl: 1000, faults: ['lateExtend'], bounds: 'within', driftFactor: 0.01 })])
 * ```
 */
export function lateExtendCommands(shape: ScheduleShape): fc.Arbitrary<Step>[] {
  if (!shape.faults.includes('lateExtend')) return [];
  const late = fc
    .tuple(fc.nat(shape.clients - 1), fc.integer({ min: 1, max: 2 * shape.ttl }))
    .map(([i, ms]) => new Step(`lateExtend(c${i}, ${ms})`, (w) => lateExtend(w, i, ms), 'lateExtend'));
  return [late, late];
}

function lateExtend(world: ChaosWorld, i: number, ms: number): void {
  const n = world.clients.length;
  const at = [...Array(n).keys()].map((k) => (i + k) % n).find((k) => world.clients[k]?.held !== undefined);
  if (at === undefined) return;
  hit(world, at, { kind: 'renewalFailure', duration: ms, beyond: false }, (client) => {
    client.connection.faults.failUntil = Math.max(client.connection.faults.failUntil, Date.now() + ms);
    setTimeout(() => client.extend(), ms + 1);
  });
}
