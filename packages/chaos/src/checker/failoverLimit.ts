import type { History } from '../history/History.js';
import type { FaultEvent, HistoryEvent } from '../history/events.js';
import type { Finding } from './Violation.js';

/**
 * How long a promotion takes at most after replication was held back (`REPLICAOF NO ONE`, the old master following
 * the new one, every client's connections moved), in ms: grants invoked until then may still land on the old master.
 */
export const PROMOTION_MS = 500;

/** What a violation excused by an unconfirmed failover says, naming the documentation that states the limit. */
export const FAILOVER_LIMIT =
  'documented limit: a failover without replica confirmation loses the grants the replica had not received ' +
  '(packages/core/docs/topologies.md, "Without the option")';

/**
 * Whether `finding` is what packages/core/docs/topologies.md states a failover may do to a lock that does not confirm
 * grants on the replica (`failover` fault with `beyond`, see `LockAdapter.replicaConfirmed`), within two ttls of
 * the promotion: a second holder while the first still believes it holds the lock (any finding that is not always
 * a bug), and repeated fences, each at most the highest fence handed out before the promotion (a fence finding
 * whose fence is above that is a bug all the same). With replica confirmation the fault is within the bounds and
 * nothing is excused.
 *
 * @example
 * ```ts
 * const excused = failoverLimit(history, finding)
 * ```
 */
export function failoverLimit(history: History, finding: Finding): boolean {
  const aftermath = 2 * history.params.ttl;
  return history.events.some((f) => {
    if (f.type !== 'fault' || f.kind !== 'failover' || !f.beyond) return false;
    const promoted = promotedBy(f);
    if (finding.at < f.t || finding.at > promoted + aftermath) return false;
    if (finding.alwaysBug !== true) return true;
    return finding.fence !== undefined && finding.fence <= highestFenceBefore(history, promoted);
  });
}

/** When the promotion of failover `f` was over at the latest. */
function promotedBy(f: FaultEvent): number {
  return f.t + (f.duration ?? 0) + PROMOTION_MS;
}

/** The highest fence of a grant invoked before `t`. */
function highestFenceBefore(history: History, t: number): number {
  let highest = Number.NEGATIVE_INFINITY;
  for (const e of history.events)
    if (e.type === 'op' && e.op === 'acquire' && e.result === 'ok' && e.fence !== undefined && e.tInv < t)
      highest = Math.max(highest, e.fence);
  return highest;
}

/**
 * Whether a lease that ended at `ended` and is seen again at `back` may be the promoted replica's copy: a failover
 * began by `back`, and the lease ended before that failover's promotion, so the release or expiry may never have
 * reached the replica (a release is not confirmed, with or without the `replicas` option). The key then stays
 * blocked until that copy expires; no holder believes it holds it (S7's other checks still apply).
 *
 * @example
 * ```ts
 * const excused = restoredByFailover(history.events, 380, 682)
 * ```
 */
export function restoredByFailover(events: readonly HistoryEvent[], ended: number, back: number): boolean {
  return events.some(
    (f) => f.type === 'fault' && f.kind === 'failover' && f.t <= back && ended <= promotedBy(f),
  );
}
