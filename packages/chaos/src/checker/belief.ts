import { countedModes, type History } from '../history/History.js';
import type { OpEvent, ProbeEvent } from '../history/events.js';
import { modeMarkers } from './holders.js';
import { serverLeases, tokenOwners } from './leases.js';
import type { Finding } from './Violation.js';

/**
 * S1 belief within lease: whenever a client believes it holds a key (probes) or acts on that belief (writes),
 * the server's lease on the key holds that client's token (counted modes: or its holders set counts the token).
 */
export function checkBeliefWithinLease(history: History): Finding[] {
  const out: Finding[] = [];
  for (const e of history.events) {
    if (e.type === 'probe') {
      for (const b of e.believers) {
        // Counted modes: a permit or read share is held while the server counts its token among the holders.
        if (b.token !== e.owner && e.holders?.includes(b.token) !== true) {
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
 * S2 mutual exclusion: no two clients believe they hold a key at once (counted modes: at most `limit` believe
 * they hold a permit, and an exclusive holder believes alone; any number of read shares together); an acquire with an unknown outcome counts
 * as held from its invocation until invoke + ttl for as long as the token it set owns the server lease.
 */
export function checkMutualExclusion(history: History): Finding[] {
  const out: Finding[] = [];
  const unknownTokens = tokensOfUnknownAcquires(history);
  const counted = countedModes(history.params);
  const limit = history.params.limit ?? 1;
  for (const e of history.events) {
    if (e.type !== 'probe') continue;
    const clients = new Set(e.believers.map((b) => b.client));
    const found = e.owner === null ? undefined : unknownTokens.get(e.owner);
    // Counted modes: a permit or read share taken by an unknown acquire stands beside others by design.
    const unknown = found && (counted ? found.shared !== true && limit === 1 : true) ? found : undefined;
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
    if (counted) {
      out.push(...holderBound(limit, e));
    } else if (clients.size > 1) {
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
  // Counted modes: the lease holds a marker of the mode while permits or read shares are held, not a token.
  for (const marker of modeMarkers(history.params, history.events, leases)) reported.set(marker, -1);
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

/** S2 in counted modes, at one probe: more believers than `limit` permits, or an exclusive holder beside another. */
function holderBound(limit: number, probe: ProbeEvent): Finding[] {
  const clients = [...new Set(probe.believers.map((b) => b.client))].sort();
  const names = clients.map((c) => `c${c}`).join(', ');
  const exclusive = probe.believers.filter((b) => b.shared !== true);
  const shared = probe.believers.length - exclusive.length;
  if (limit > 1 && clients.length > limit) {
    return [
      {
        invariant: 'S2',
        clients,
        at: probe.t,
        message: `${clients.length} clients (${names}) all believe they hold one of the ${limit} permits of "${probe.key}"`,
      },
    ];
  }
  if (limit === 1 && exclusive.length > 0 && clients.length > 1) {
    return [
      {
        invariant: 'S2',
        clients,
        at: probe.t,
        message: `exclusive holder c${exclusive[0]?.client} believes it holds "${probe.key}" beside ${clients.length - 1} other holder(s) (${shared} shared): ${names}`,
      },
    ];
  }
  return [];
}
