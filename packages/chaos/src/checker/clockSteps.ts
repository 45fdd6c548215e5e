import type { History } from '../history/History.js';
import type { FaultEvent, HistoryEvent } from '../history/events.js';
import type { Finding } from './Violation.js';

/** What a fence finding excused by a long backward clock step says, naming the documentation that states the bound. */
export const CLOCK_STEP_LIMIT =
  "documented limit: fences can go back after a server's clock stepped back by more than the fence counter's " +
  'lifetime (docs/operations.md, "Clock steps": the bound on fences)';

/** Whether `e` is a step of a server's wall clock backwards (`clockStep` with a negative amount). */
export function isBackwardStep(e: HistoryEvent): e is FaultEvent {
  return e.type === 'fault' && e.kind === 'clockStep' && (e.amount ?? 0) < 0;
}

/**
 * Whether a server's clock stepped back recently enough before `at` that a free lock may still refuse a waiter
 * then: at most the lock's retry bound plus its `clockStepSlack` ago (see `LockAdapter.clockStepSlack`). For a
 * queue this is the time a dead waiter's entry, which reads as younger after the step, takes to be told from a live
 * one and dropped, plus one more attempt of the waiter.
 *
 * @example
 * ```ts
 * if (withinStepSlack(history, op.tRes)) continue // L1 does not judge this refusal
 * ```
 */
export function withinStepSlack(history: History, at: number): boolean {
  const allowance = history.params.retryBound + (history.params.clockStepSlack ?? 0);
  return history.events.some((e) => isBackwardStep(e) && e.t <= at && at < e.t + allowance);
}

/**
 * Whether `finding` is what docs/operations.md ("Clock steps") states a backward step may do to fences: an S4
 * finding after a step back longer than the lock's key lifetime (the fence counter's), which lets the counter
 * restart below earlier fences once it expires.
 *
 * @example
 * ```ts
 * const excused = clockStepLimit(history, finding)
 * ```
 */
export function clockStepLimit(history: History, finding: Finding): boolean {
  const lifetime = history.params.keyLifetime;
  if (finding.invariant !== 'S4' || lifetime === undefined) return false;
  return history.events.some((e) => isBackwardStep(e) && e.t <= finding.at && -(e.amount ?? 0) > lifetime);
}
