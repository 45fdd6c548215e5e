import fc from 'fast-check';
import type { ScheduleShape } from './commands.js';

/**
 * A client and how long it waits for the lock: 0 (one attempt) or up to two ttls, the draw of every acquiring step.
 *
 * @example
 * ```ts
 * clientWait({ clients: 3, ttl: 1000, faults: [], bounds: 'within', driftFactor: 0.01 }).map(([i, wait]) => `c${i} ${wait}`)
 * ```
 */
export function clientWait(shape: ScheduleShape): fc.Arbitrary<[number, number]> {
  return fc.tuple(
    fc.nat(shape.clients - 1),
    fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 2 * shape.ttl })),
  );
}
