import type { History } from '../history/History.js';
import { leaseEndAt } from './leases.js';
import { EPSILON_MS, leaseLeft } from './validity.js';
import type { Finding } from './Violation.js';

/**
 * S8 live grant: an acquire returns only a grant its holder can use. A grant that claims no validity left at the
 * reply (`remaining() <= 0`), or (for a lock that reports no validity, where the lease is observed exactly) whose
 * lease had already ended on the server, is dead on arrival: the lock should have released it and tried again or
 * answered busy, not handed it out. The mirror image of S6, which flags a grant that claims more than its lease.
 */
export function checkLiveGrants(history: History): Finding[] {
  const out: Finding[] = [];
  const exact = (history.params.leases ?? 'exact') === 'exact';
  for (const e of history.events) {
    if (e.type !== 'op' || e.op !== 'acquire' || e.result !== 'ok') continue;
    if (e.tRes === undefined || e.token === undefined) continue;
    const end = leaseEndAt(history.events, e.token, e.tRes);
    const lease = end === undefined ? '' : ` (its lease ${leaseLeft(end - e.tRes)})`;
    if (e.remaining !== undefined && e.remaining <= 0) {
      out.push({
        invariant: 'S8',
        clients: [e.client],
        at: e.tRes,
        message: `c${e.client}'s acquire returned a grant that was already dead: it claims ${Math.round(e.remaining)} ms of validity${lease}`,
      });
    } else if (e.remaining === undefined && exact && end !== undefined && end < e.tRes - EPSILON_MS) {
      out.push({
        invariant: 'S8',
        clients: [e.client],
        at: e.tRes,
        message: `c${e.client}'s acquire returned a grant that was already dead: its lease ${leaseLeft(end - e.tRes)}`,
      });
    }
  }
  return out;
}
