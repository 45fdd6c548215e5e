import type { History } from '../history/History.js';
import { leaseEndAt } from './leases.js';
import type { Finding } from './Violation.js';

/** Measurement slack of the honest-validity check, in ms. */
export const EPSILON_MS = 1;

/**
 * S6 honest validity: right after a grant, the validity a lock claims is at most the time its lease has left on
 * the server (by the last time the server set or extended it before the reply, and never less than 0): a slow
 * acquire must not report a fresh lease. A grant that claims nothing is not a lie; returning it at all is S8's
 * business (`checkLiveGrants`). Judged only where the lease is observed exactly (the mock): on real Redis the
 * lease is sampled, and a lock that extends it right before answering (deadbolt confirms a hand-over's
 * provisional lease) would be judged against a setting it already replaced; S1's probes cover the claim there.
 */
export function checkHonestValidity(history: History): Finding[] {
  const out: Finding[] = [];
  if ((history.params.leases ?? 'exact') === 'sampled') return out;
  for (const e of history.events) {
    if (e.type !== 'op' || e.op !== 'acquire' || e.result !== 'ok') continue;
    if (e.remaining === undefined || e.tRes === undefined || e.token === undefined) continue;
    const end = leaseEndAt(history.events, e.token, e.tRes);
    // Not observed before the reply (the real backend polls the lease): what the server held is unknown.
    if (end === undefined) continue;
    const possible = Math.max(0, end - e.tRes);
    if (e.remaining > possible + EPSILON_MS) {
      out.push({
        invariant: 'S6',
        clients: [e.client],
        at: e.tRes,
        message: `c${e.client}'s grant claims ${Math.round(e.remaining)} ms of validity but its lease ${leaseLeft(end - e.tRes)}`,
      });
    }
  }
  return out;
}

/** How a lease's end relates to a reply `left` ms before it ended (negative: it had ended), in words. */
export function leaseLeft(left: number): string {
  return left >= 0 ? `ends ${left} ms after the reply` : `ended ${-left} ms before the reply`;
}
