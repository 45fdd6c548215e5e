import { CONTENDED_WORKLOAD } from './contendedWorkload.js';
import type { Scenario } from './scenarios.js';

/** Permits of the contended semaphore scenario. */
const SEMAPHORE_LIMIT = 4;

/**
 * The scenarios of issue 21 (semaphores and read-write locks), on the contended workload of `one-key`: 16 clients
 * across 4 processes, one key, a 5 ms hold, a connection per client.
 *
 * - `semaphore`: every acquire takes one of 4 permits; deadbolt against redis-semaphore's `Semaphore`, beside the
 *   FIFO floor with 4 batons (what a fair hand-over of a permit through Redis costs at least).
 * - `read-write`: 9 acquires in 10 take a read share, the rest the write lock; deadbolt against itself with every
 *   acquire exclusive (the plain mutex under the same workload), which is the `×` column's baseline.
 *
 * @example
 * ```ts
 * const [semaphore] = MODE_SCENARIOS // run it with runScenario({ scenario: semaphore, … })
 * ```
 */
export const MODE_SCENARIOS: readonly Scenario[] = [
  {
    id: 'semaphore',
    title: `Semaphore (limit ${SEMAPHORE_LIMIT}): 16 clients across 4 processes on one key, 5 ms hold`,
    target: `deadbolt permit utilisation ≥ 0.90; p99 wait ≤ 1.5 × the fair bound (⌈16 ÷ ${SEMAPHORE_LIMIT}⌉ × 5 ms = 20 ms) and below redis-semaphore’s`,
    ...CONTENDED_WORKLOAD,
    mode: { limit: SEMAPHORE_LIMIT },
    libraries: ['fifo', 'deadbolt', 'redis-semaphore'],
    baseline: 'fifo',
  },
  {
    id: 'read-write',
    title: 'Read-write lock, 90 % shared: 16 clients across 4 processes on one key, 5 ms hold',
    target: 'none set; throughput ÷ the same workload on the plain mutex (every acquire exclusive)',
    ...CONTENDED_WORKLOAD,
    rounds: 5,
    mode: { sharedRatio: 0.9 },
    libraries: ['deadbolt', 'deadbolt-mutex'],
    baseline: 'deadbolt-mutex',
  },
];
