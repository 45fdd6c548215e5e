import { countedModes, type History } from '../history/History.js';
import type { FaultEvent, HistoryEvent, OpEvent } from '../history/events.js';
import { isBackwardStep, withinStepSlack } from './clockSteps.js';
import { modeMarkers, serverHolders, type HolderInterval } from './holders.js';
import { serverLeases, type LeaseInterval } from './leases.js';
import type { Finding } from './Violation.js';

/**
 * L1 liveness of a free lock (after a crash, an expiry or a release): a healthy waiter whose acquire ends busy
 * must not have been refused while the key had no lease on the server for longer than the lock's retry bound.
 * Counted modes (mock backend): "free" for that waiter: no exclusive lease, fewer holders than block its mode (the
 * limit for a permit, any holder for an exclusive request, none for a read share) and no earlier waiter queued
 * ahead of it, throughout the last retry bound. A permit that never comes back (a dead holder's, never counted
 * down) is caught here. On real Redis (sampled) a counted run keeps the plain rule: any lease value is busy.
 * A server clock stepping back is no excuse by itself: the lock may refuse for its `clockStepSlack` longer from the
 * step (see `withinStepSlack`), not for the whole step.
 */
export function checkFreeLockLiveness(history: History): Finding[] {
  const bound = history.params.retryBound;
  const leases = serverLeases(history.events);
  const counted =
    countedModes(history.params) && history.params.leases !== 'sampled'
      ? {
          leases: leases.filter((l) => !modeMarkers(history.params, history.events, leases).has(l.owner)),
          holders: serverHolders(history.events),
        }
      : undefined;
  const out: Finding[] = [];
  for (const e of history.events) {
    if (e.type !== 'op' || e.op !== 'acquire' || e.result !== 'fail' || e.tRes === undefined) continue;
    const tRes = e.tRes;
    if (tRes - e.tInv < bound || withinStepSlack(history, tRes)) continue;
    if (faultsOn(history.events, e.client, e.tInv, tRes).some((f) => !isBackwardStep(f))) continue;
    const from = tRes - bound;
    const busy = counted
      ? countedBusy(history, { ...e, tRes }, from, counted)
      : leases.some((l) => l.key === e.key && l.start < tRes && l.end > from);
    if (!busy) {
      out.push({
        invariant: 'L1',
        clients: [e.client],
        at: e.tRes,
        message: counted
          ? `c${e.client} gave up as busy although "${e.key}" had room for its ${e.shared === true ? 'read share' : (history.params.limit ?? 1) > 1 ? 'permit' : 'exclusive request'} since ${from} (retry bound ${bound} ms)`
          : `c${e.client} gave up as busy although "${e.key}" had no lease since ${from} (retry bound ${bound} ms)`,
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

/** Counted modes: whether something blocked `waiter` at some moment from `from` to its answer. */
function countedBusy(
  history: History,
  waiter: OpEvent & { tRes: number },
  from: number,
  server: { leases: readonly LeaseInterval[]; holders: readonly HolderInterval[] },
): boolean {
  const to = waiter.tRes;
  const overlaps = (i: { start: number; end: number }): boolean => i.start < to && i.end > from;
  if (server.leases.some((l) => l.key === waiter.key && overlaps(l))) return true;
  const bound = history.params.retryBound;
  const queuedAhead = history.events.some(
    (o) =>
      o.type === 'op' &&
      o.op === 'acquire' &&
      o.id !== waiter.id &&
      o.key === waiter.key &&
      o.tInv <= waiter.tInv &&
      (o.tRes ?? o.tInv + (o.wait ?? 0) + bound) > from,
  );
  if (queuedAhead) return true;
  const holders = server.holders.filter((h) => h.key === waiter.key && overlaps(h));
  if (waiter.shared === true) return false;
  const blocking = history.params.limit ?? 1;
  // The most holders at once within the window: at its start, or when one of them came.
  return [from, ...holders.map((h) => h.start)].some(
    (t) => t >= from && holders.filter((h) => h.start <= t && t < h.end).length >= blocking,
  );
}
