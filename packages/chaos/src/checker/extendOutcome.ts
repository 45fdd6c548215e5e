import { countedModes, type History } from '../history/History.js';
import { serverLeases } from './leases.js';
import type { Finding } from './Violation.js';

/**
 * S9 extend outcome: an extend the lock reported done was made while the server lease held its token (some
 * moment between its invocation and its reply; exclusive runs where the lease is observed exactly), and once an
 * extend was refused as lost (`ERR_LOCK_LOST`) its holder no longer believes it holds the key (the loss is
 * signalled by the refusal's reply at the latest). Faults beyond the bounds may cost a lock its lease, but never
 * excuse reporting a lease it does not have, or staying silent once told: both are always bugs.
 *
 * @example
 * ```ts
 * checkExtendOutcome(history) // [{ invariant: 'S9', clients: [2], ... }] when c2 was told an extend of a lost lease succeeded
 * ```
 */
export function checkExtendOutcome(history: History): Finding[] {
  const { params, events } = history;
  const exact = (params.leases ?? 'exact') === 'exact' && !countedModes(params) && (params.voters ?? 1) <= 1;
  const leases = exact ? serverLeases(events) : [];
  const refused = new Map<string, number>();
  const out: Finding[] = [];
  for (const e of events) {
    if (e.type === 'op' && e.op === 'extend' && e.token !== undefined && e.tRes !== undefined) {
      const { token, tInv, tRes } = e;
      if (e.result === 'fail') refused.set(token, tRes);
      const ours = leases.some(
        (l) => l.key === e.key && l.owner === token && l.start <= tRes && l.end >= tInv,
      );
      if (e.result === 'ok' && exact && !ours)
        out.push({
          invariant: 'S9',
          clients: [e.client],
          at: tRes,
          message: `c${e.client} was told its extend (invoked at ${tInv}) succeeded, but the server lease never held its token from then to the reply at ${tRes}`,
          alwaysBug: true,
        });
    }
    if (e.type !== 'probe') continue;
    for (const b of e.believers) {
      // An operation sits in the history at its invocation; its reply may come after later events.
      const at = refused.get(b.token);
      if (at === undefined || e.t <= at) continue;
      refused.delete(b.token);
      out.push({
        invariant: 'S9',
        clients: [b.client],
        at: e.t,
        message: `c${b.client} still believed it held "${e.key}" at ${e.t}, after its extend was refused as lost at ${at}`,
        alwaysBug: true,
      });
    }
  }
  return out;
}
