import type { History } from '../history/History.js';
import type { FaultEvent } from '../history/events.js';
import { checkBoundedAcquire } from './boundedAcquire.js';
import { checkBeliefWithinLease, checkMutualExclusion } from './belief.js';
import { checkCleanGiveUp } from './cleanGiveUp.js';
import { checkLeaseContinuity } from './continuity.js';
import { checkArrivalOrder } from './fairModes.js';
import { checkExtendOutcome } from './extendOutcome.js';
import { checkFenceOrder } from './fences.js';
import { FAILOVER_LIMIT, failoverLimit } from './failoverLimit.js';
import { CLOCK_STEP_LIMIT, clockStepLimit } from './clockSteps.js';
import { checkLeaseLength } from './leaseLength.js';
import { checkLossSignalled } from './lossSignal.js';
import { checkFreeLockLiveness, checkLeaks, checkRenewal } from './liveness.js';
import { checkLiveGrants } from './liveGrant.js';
import { checkOrphanLeases } from './orphans.js';
import { checkOwnership } from './ownership.js';
import { checkLostUpdates } from './resource.js';
import { checkHonestValidity } from './validity.js';
import type { Finding, Violation } from './Violation.js';

/**
 * Checks a history against every invariant (S1–S12, L1–L6) and labels each violation: `beyond-bounds` when a
 * client it involves suffered a fault outside the lock's stated bounds before it happened (or a server fault beyond
 * them, such as a restart without persistence, happened within two ttls before it), `bug` otherwise.
 * Fenced-resource safety, fence order, extend outcomes, lease lengths and leaks are always bugs, except the
 * repeated fences a failover without replica confirmation may hand out (see `failoverLimit`); what such a
 * failover excuses says so in its message, as do the fence findings after a server clock stepped back by more than the
 * fence counter's lifetime (see `clockStepLimit`). A forward server clock step (`clockStep`) is a server fault beyond
 * the bounds like a restart; a backward one is within them, and excuses only what `withinStepSlack` allows (L1).
 *
 * @example
 * ```ts
 * const bugs = checkHistory(history).filter((v) => v.label === 'bug')
 * ```
 */
export function checkHistory(history: History): Violation[] {
  const findings: Finding[] = [
    ...checkBeliefWithinLease(history),
    ...checkMutualExclusion(history),
    ...checkLostUpdates(history),
    ...checkFenceOrder(history),
    ...checkOwnership(history),
    ...checkHonestValidity(history),
    ...checkLeaseContinuity(history),
    ...checkLiveGrants(history),
    ...checkExtendOutcome(history),
    ...checkLeaseLength(history),
    ...checkLossSignalled(history),
    ...checkFreeLockLiveness(history),
    ...checkBoundedAcquire(history),
    ...checkRenewal(history),
    ...checkLeaks(history),
    ...checkOrphanLeases(history),
    ...checkArrivalOrder(history),
    ...checkCleanGiveUp(history),
  ];
  const beyond = history.events.filter((e): e is FaultEvent => e.type === 'fault' && e.beyond);
  // A server-side fault beyond the bounds (Redis lost its data) excuses what happens until two leases later.
  const aftermath = 2 * history.params.ttl;
  return findings.map((found) => {
    const { alwaysBug, fence: _fence, ...finding } = found;
    if (failoverLimit(history, found))
      return { ...finding, message: `${finding.message} (${FAILOVER_LIMIT})`, label: 'beyond-bounds' };
    if (clockStepLimit(history, found))
      return { ...finding, message: `${finding.message} (${CLOCK_STEP_LIMIT})`, label: 'beyond-bounds' };
    const excused =
      alwaysBug !== true &&
      beyond.some((f) =>
        f.client === undefined
          ? f.t <= finding.at && finding.at <= f.t + (f.duration ?? 0) + aftermath
          : f.t <= finding.at && finding.clients.includes(f.client),
      );
    return { ...finding, label: excused ? 'beyond-bounds' : 'bug' };
  });
}
