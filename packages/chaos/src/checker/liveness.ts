import type { History } from '../history/History.js';
import type { FaultEvent, HistoryEvent } from '../history/events.js';
import { serverLeases } from './leases.js';
import type { Finding } from './Violation.js';

/**
 * L1 liveness of a free lock (after a crash, an expiry or a release): a healthy waiter whose acquire ends busy
 * must not have been refused while the key had no lease on the server for longer than the lock's retry bound.
 */
export function checkFreeLockLiveness(history: History): Finding[] {
  const bound = history.params.retryBound;
  const leases = serverLeases(history.events);
  const out: Finding[] = [];
  for (const e of history.events) {
    if (e.type !== 'op' || e.op !== 'acquire' || e.result !== 'fail' || e.tRes === undefined) continue;
    const tRes = e.tRes;
    if (tRes - e.tInv < bound || faultsOn(history.events, e.client, e.tInv, tRes).length > 0) continue;
    const from = tRes - bound;
    const busy = leases.some((l) => l.key === e.key && l.start < tRes && l.end > from);
    if (!busy) {
      out.push({
        invariant: 'L1',
        clients: [e.client],
        at: e.tRes,
        message: `c${e.client} gave up as busy although "${e.key}" had no lease since ${from} (retry bound ${bound} ms)`,
      });
    }
  }
  return out;
}

/** L3 renewal: a renewing lock held by a client that suffered no fault never reports its lease lost. */
export function checkRenewal(history: History): Finding[] {
  if (!history.params.renews) return [];
  const out: Finding[] = [];
  for (const e of history.events) {
    if (e.type !== 'loss' || e.reason === 'closed') continue;
    const grant = history.events.find(
      (g) => g.type === 'op' && g.op === 'acquire' && g.result === 'ok' && g.token === e.token,
    );
    if (!grant || grant.type !== 'op') continue;
    if (faultsOn(history.events, e.client, grant.tInv, e.t).length > 0) continue;
    out.push({
      invariant: 'L3',
      clients: [e.client],
      at: e.t,
      message: `c${e.client} lost its lease (${e.reason}) although neither it nor its connection suffered a fault`,
    });
  }
  return out;
}

/**
 * L4 no leaks: once every holder is gone and every lifetime has passed, no key and no timer remains, except the
 * keys the lock declared persistent. A leaked key is named alone, or (real Redis) followed by ` (pttl N)`.
 */
export function checkLeaks(history: History): Finding[] {
  const out: Finding[] = [];
  const persistent = new Set(history.params.persistentKeys);
  for (const e of history.events) {
    if (e.type !== 'end') continue;
    const leaked = e.leakedKeys.filter((k) => !persistent.has(k.replace(/ \(pttl -?\d+\)$/, '')));
    if (leaked.length > 0) {
      out.push({
        invariant: 'L4',
        clients: [],
        at: e.t,
        message: `keys left behind: ${leaked.join(', ')}`,
        alwaysBug: true,
      });
    }
    if (e.leakedTimers > 0) {
      out.push({
        invariant: 'L4',
        clients: [],
        at: e.t,
        message: `${e.leakedTimers} timer(s) still pending after every client closed`,
        alwaysBug: true,
      });
    }
  }
  return out;
}

/** The faults aimed at `client` (or at the servers, which every client suffers) between `from` and `to` (inclusive), or still running at `from`. */
export function faultsOn(
  events: readonly HistoryEvent[],
  client: number,
  from: number,
  to: number,
): FaultEvent[] {
  return events.filter(
    (f): f is FaultEvent =>
      f.type === 'fault' &&
      (f.client === client || f.client === undefined) &&
      f.t <= to &&
      (f.t >= from || f.t + (f.duration ?? 0) >= from || f.kind === 'clockJump' || f.kind === 'clockDrift'),
  );
}
