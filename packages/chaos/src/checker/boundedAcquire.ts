import type { History } from '../history/History.js';
import type { HistoryEvent, OpEvent } from '../history/events.js';
import type { Finding } from './Violation.js';

/**
 * L2 bounded acquire: every acquire settles (granted, busy or failed) within its `wait` plus the lock's retry
 * bound (`LockAdapter.retryBound`: one more attempt and its clean-up), whatever Redis does, unless its own client
 * was faulted meanwhile (paused, stalled, partitioned, crashed: any fault aimed at it, or the harness's own host
 * stalling). A Redis stall does not excuse it: the caller's `wait` is a promise the lock keeps on its own clock.
 * An acquire still pending when the history ends counts as settling at the end.
 *
 * @example
 * ```ts
 * const late = checkBoundedAcquire(history) // [{ invariant: 'L2', ... }] for an acquire that overran its wait
 * ```
 */
export function checkBoundedAcquire(history: History): Finding[] {
  const bound = history.params.retryBound;
  const end = history.events.find((e) => e.type === 'end')?.t;
  const out: Finding[] = [];
  for (const e of history.events) {
    if (e.type !== 'op' || e.op !== 'acquire' || e.wait === undefined) continue;
    const settled = e.tRes ?? end;
    const deadline = e.tInv + e.wait + bound;
    if (settled === undefined || settled <= deadline || ownFault(history.events, e, deadline)) continue;
    out.push({
      invariant: 'L2',
      clients: [e.client],
      at: deadline,
      message:
        `c${e.client}'s acquire (wait ${e.wait} ms) ${e.tRes === undefined ? 'never settled' : `settled at ${e.tRes}`}, ` +
        `past its wait + retry bound ${bound} ms (${deadline}), with no fault on its client`,
    });
  }
  return out;
}

/** Faults that stay armed until they hit (a lost reply takes the next command's) or for good (a crash). */
const UNTIL_THE_END = new Set(['lostReply', 'crash']);

/** Whether a fault aimed at `op`'s client (or the harness's host) overlapped `op`'s run up to `deadline`. */
function ownFault(events: readonly HistoryEvent[], op: OpEvent, deadline: number): boolean {
  return events.some(
    (f) =>
      f.type === 'fault' &&
      (f.client === op.client || f.kind === 'hostStall') &&
      f.t <= deadline &&
      (UNTIL_THE_END.has(f.kind) || f.t + (f.duration ?? 0) >= op.tInv),
  );
}
