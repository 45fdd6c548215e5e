import type { History } from '../history/History.js';
import type { OpEvent } from '../history/events.js';
import { serverLeases, tokenOwners } from './leases.js';
import type { Finding } from './Violation.js';

/**
 * S1 belief within lease: whenever a client believes it holds a key (probes) or acts on that belief (writes),
 * the server's lease on the key holds that client's token.
 */
export function checkBeliefWithinLease(history: History): Finding[] {
  const out: Finding[] = [];
  for (const e of history.events) {
    if (e.type === 'probe') {
      for (const b of e.believers) {
        if (b.token !== e.owner) {
          out.push({
            invariant: 'S1',
            clients: [b.client],
            at: e.t,
            message: `c${b.client} believes it holds "${e.key}" but the server lease is ${e.owner === null ? 'gone' : 'held by another token'}`,
          });
        }
      }
    } else if (e.type === 'write' && e.owner !== undefined && e.owner !== e.token && e.resource === 'plain') {
      out.push({
        invariant: 'S1',
        clients: [e.client],
        at: e.t,
        message: `c${e.client} wrote the resource while its lease was ${e.owner === null ? 'gone' : 'held by another token'}`,
      });
    }
  }
  return out;
}

/**
 * S2 mutual exclusion: no two clients believe they hold a key at once; an acquire with an unknown outcome counts
 * as held from its invocation until invoke + ttl for as long as the token it set owns the server lease.
 */
export function checkMutualExclusion(history: History): Finding[] {
  const out: Finding[] = [];
  const unknownTokens = tokensOfUnknownAcquires(history);
  for (const e of history.events) {
    if (e.type !== 'probe') continue;
    const clients = new Set(e.believers.map((b) => b.client));
    const unknown = e.owner === null ? undefined : unknownTokens.get(e.owner);
    if (unknown && e.t >= unknown.tInv && e.t <= unknown.tInv + unknown.ttl && !clients.has(unknown.client)) {
      for (const b of e.believers) {
        out.push({
          invariant: 'S2',
          clients: [unknown.client, b.client],
          at: e.t,
          message: `c${b.client} believes it holds "${e.key}" while c${unknown.client}'s unknown acquire holds the lease`,
        });
      }
    }
    if (clients.size > 1) {
      out.push({
        invariant: 'S2',
        clients: [...clients].sort(),
        at: e.t,
        message: `clients ${[...clients].map((c) => `c${c}`).join(' and ')} all believe they hold "${e.key}"`,
      });
    }
  }
  return out;
}

/**
 * The token each acquire with an unknown outcome set on the server (found through the lease changes it made). A
 * token some operation reported is not such a token, even when this client's command set it: a release that hands
 * the lock to the next waiter sets that waiter's token.
 */
function tokensOfUnknownAcquires(history: History): Map<string, OpEvent> {
  const leases = serverLeases(history.events);
  const reported = tokenOwners(history.events);
  const out = new Map<string, OpEvent>();
  for (const op of history.events) {
    if (op.type !== 'op' || op.op !== 'acquire' || op.result !== 'unknown') continue;
    const until = op.tRes ?? Number.POSITIVE_INFINITY;
    for (const l of leases) {
      if (reported.has(l.owner)) continue;
      if (l.by === op.client && l.key === op.key && l.start >= op.tInv && l.start <= until)
        out.set(l.owner, op);
    }
  }
  return out;
}
