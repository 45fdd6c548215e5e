import { countedModes, type History } from '../history/History.js';
import type { FaultEvent, OpEvent } from '../history/events.js';
import { faultsOn } from './liveness.js';
import type { Finding } from './Violation.js';

/** An acquire that settled, with its settling time. */
type Settled = OpEvent & { tRes: number };

/**
 * L6 arrival order across modes (counted runs: a `limit` above 1, or read shares; every run of a lock that claims
 * to be fair, `LockAdapter.fair`): a healthy waiter that gives up
 * busy was not overtaken, meaning no acquire invoked after it was granted while it still waited. Whatever the modes:
 * a waiting exclusive request blocks later readers (no writer starvation), readers behind a waiting writer wait
 * too, and permits go in arrival order. Within the bounds only: a waiter whose client (or the servers) suffered a
 * fault while it waited is left out (its queue entry may have lapsed). On real Redis (`leases: 'sampled'`) an
 * acquire counts as later only when invoked a retry bound after the waiter, so that the waiter's first attempt
 * surely reached the server first.
 *
 * @example
 * ```ts
 * checkArrivalOrder(history) // [{ invariant: 'L6', clients: [2, 0], ... }] when c0's reader overtook c2's writer
 * ```
 */
export function checkArrivalOrder(history: History): Finding[] {
  if (!countedModes(history.params) && history.params.fair !== true) return [];
  const slack = history.params.leases === 'sampled' ? history.params.retryBound : 0;
  const acquires = history.events.filter(
    (e): e is Settled => e.type === 'op' && e.op === 'acquire' && e.tRes !== undefined,
  );
  // A fair mutex serves one waiter at a time: a later acquire granted first overtook the waiter even when the
  // waiter was granted afterwards. (Counted modes may grant a later compatible request beside a waiter.)
  const servedLater = !countedModes(history.params);
  const out: Finding[] = [];
  for (const waiter of acquires) {
    const waited = waiter.result === 'fail' || (servedLater && waiter.result === 'ok');
    if (!waited || (waiter.wait ?? 0) === 0) continue;
    const faults = faultsOn(history.events, waiter.client, waiter.tInv, waiter.tRes);
    if (faults.some((f) => !servedLater || !harmlessToQueue(f))) continue;
    const overtaker = acquires.find(
      (g) =>
        g.result === 'ok' &&
        g.key === waiter.key &&
        g.client !== waiter.client &&
        g.tInv > waiter.tInv + slack &&
        g.tRes < waiter.tRes,
    );
    if (!overtaker) continue;
    out.push({
      invariant: 'L6',
      clients: [waiter.client, overtaker.client],
      at: overtaker.tRes,
      message:
        `c${overtaker.client}'s ${modeName(overtaker)} acquire (invoked at ${overtaker.tInv}) was granted at ` +
        `${overtaker.tRes} while c${waiter.client}'s earlier ${modeName(waiter)} acquire (invoked at ` +
        `${waiter.tInv}) still waited; it ${waiter.result === 'ok' ? 'was granted' : 'gave up busy'} at ${waiter.tRes}`,
    });
  }
  return out;
}

/**
 * Faults that leave a waiter's place in a mutex queue alone: a lost wake-up (its next heartbeat attempt comes
 * anyway) and a clock that jumps forward or drifts within the bounds (its heartbeats stay well inside the queue
 * entry's lifetime). Anything that delays its commands (a pause, latency, a freeze) may let its entry lapse.
 */
function harmlessToQueue(fault: FaultEvent): boolean {
  return (
    !fault.beyond &&
    (fault.kind === 'lostWakeup' || fault.kind === 'clockJump' || fault.kind === 'clockDrift')
  );
}

function modeName(op: OpEvent): string {
  return op.shared === true ? 'shared' : 'exclusive';
}
