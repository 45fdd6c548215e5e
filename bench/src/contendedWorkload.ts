import type { Scenario } from './scenarios.js';

/**
 * The contended workload of the design brief, which the one-key scenarios and those of issue 21 share:
 * 16 clients across 4 processes (a connection each) on one key of a single Redis, a 5 ms hold, measured in one
 * long window (a lock that starves a waiter can only show it when the window is long).
 *
 * @example
 * ```ts
 * const scenario: Scenario = { id: 'one-key', title, target, ...CONTENDED_WORKLOAD, libraries, baseline: 'raw' }
 * ```
 */
export const CONTENDED_WORKLOAD = {
  processes: 4,
  clientsPerProcess: 4,
  sharedClient: false,
  sharedKey: true,
  holdMs: 5,
  rounds: 1,
  masters: 1,
  pausedMaster: false,
} as const satisfies Partial<Scenario>;
