import type { History } from '../history/History.js';
import type { HistoryEvent, LeaseEvent, OpEvent, ProbeEvent, WriteEvent } from '../history/events.js';
import { restoredByFailover } from './failoverLimit.js';
import { serverLeases } from './leases.js';
import type { Finding } from './Violation.js';

type Grant = OpEvent & { readonly token: string; readonly tRes: number };

/**
 * S7 lease continuity: once a grant's lease has ended on the server (expired, deleted, or replaced by another
 * grant's), nothing happens under that grant again: its holder does not believe it holds the key, no extend of it
 * succeeds, no write is made under it, and no lease with its token comes back (a lock that re-creates a lapsed
 * lease with the old token). Probes look at one moment; this looks across moments, so a gap that no probe happened
 * to see still shows. Where the lease is observed exactly (the mock) it ends at its expiry or change; where it is
 * sampled (real Redis) it has ended once a read showed it gone after one showed it held (a lease of the token seen
 * ending by the reply belongs to an earlier attempt of the acquire if the token is read again). Events under the
 * same token after a later acquire that reported it again belong to that acquire.
 */
export function checkLeaseContinuity(history: History): Finding[] {
  const { events } = history;
  const exact = (history.params.leases ?? 'exact') === 'exact';
  const leases = exact ? serverLeases(events) : [];
  const grants = events.filter(
    (e): e is Grant =>
      e.type === 'op' &&
      e.op === 'acquire' &&
      e.result === 'ok' &&
      e.token !== undefined &&
      e.tRes !== undefined,
  );
  const out: Finding[] = [];
  for (const g of grants) {
    const over = exact ? exactEnd(leases, g) : sampledEnd(events, g);
    if (over === undefined) continue;
    const next = events.find(
      (e): e is OpEvent =>
        e.type === 'op' && e !== g && e.op === 'acquire' && e.token === g.token && e.tInv > g.tRes,
    );
    const horizon = next?.tInv ?? Number.POSITIVE_INFINITY;
    const after = (t: number): boolean => t > over && t < horizon;
    const grant = `its grant${g.fence === undefined ? '' : ` (fence ${g.fence})`}`;
    const ended = `after its lease ended at ${over}`;
    const finding = (at: number, message: string): Finding => ({
      invariant: 'S7',
      clients: [g.client],
      at,
      message: `c${g.client} ${message}`,
    });
    const belief = events.find(
      (e): e is ProbeEvent =>
        e.type === 'probe' && after(e.t) && e.believers.some((b) => b.token === g.token),
    );
    if (belief) out.push(finding(belief.t, `still believed it held ${grant} at ${belief.t}, ${ended}`));
    const extend = events.find(
      (e) =>
        e.type === 'op' && e.op === 'extend' && e.result === 'ok' && e.token === g.token && after(e.tInv),
    );
    if (extend?.type === 'op')
      out.push(
        finding(extend.tInv, `extended ${grant} at ${extend.tInv}, ${ended}, and was told it succeeded`),
      );
    const write = events.find(
      (e): e is WriteEvent => e.type === 'write' && e.token === g.token && after(e.t),
    );
    if (write) out.push(finding(write.t, `wrote under ${grant} at ${write.t}, ${ended}`));
    const back = events.find(
      (e): e is LeaseEvent =>
        e.type === 'lease' &&
        e.key === g.key &&
        e.owner === g.token &&
        after(e.t) &&
        !restoredByFailover(events, over, e.t),
    );
    if (back)
      out.push(
        finding(back.t, `held the key again under ${grant} from ${back.t}: the lease came back ${ended}`),
      );
  }
  return out;
}

/** The end of the grant's lease interval: the last one of its token on its key that began by the reply. */
function exactEnd(leases: ReturnType<typeof serverLeases>, g: Grant): number | undefined {
  let end: number | undefined;
  for (const l of leases) if (l.key === g.key && l.owner === g.token && l.start <= g.tRes) end = l.end;
  return end;
}

/**
 * When a read first showed the grant's lease gone, after one had shown it held (since its invocation). An acquire
 * keeps one token through all its attempts, so the token's lease may be set and lapse before the grant: a release
 * hands the lock to a waiter that is stopped (SIGSTOP), the provisional lease runs out and goes to another client,
 * and the waiter, once resumed, refuses that stale hand-over and is granted the lock later under the same token.
 * A lease of the token seen to end by the reply is therefore not taken as the grant's while a later read shows the
 * token again (reads lag: the grant's lease may be set before the reply and first read after it); only when none
 * does is it the grant's lease, ended before its reply.
 */
function sampledEnd(events: readonly HistoryEvent[], g: Grant): number | undefined {
  let seen = false;
  let endedByReply: number | undefined;
  for (const e of events) {
    if (e.type !== 'lease' || e.key !== g.key || e.t < g.tInv) continue;
    if (e.owner === g.token) seen = true;
    else if (seen && e.t > g.tRes) return e.t;
    else if (seen) {
      endedByReply = e.t;
      seen = false;
    }
  }
  return seen ? undefined : endedByReply;
}
