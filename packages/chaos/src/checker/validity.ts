import type { History } from '../history/History.js';
import type { Finding } from './Violation.js';

/** Measurement slack of the honest-validity check, in ms. */
const EPSILON_MS = 1;

/**
 * S6 honest validity: right after a grant, the validity a lock claims is at most the time its lease has left on
 * the server (by the last time the server set or extended it before the reply): a slow acquire must not report a
 * fresh lease.
 */
export function checkHonestValidity(history: History): Finding[] {
  const out: Finding[] = [];
  for (const e of history.events) {
    if (e.type !== 'op' || e.op !== 'acquire' || e.result !== 'ok') continue;
    if (e.remaining === undefined || e.tRes === undefined || e.token === undefined) continue;
    const end = leaseEndAt(history, e.token, e.tRes);
    // Not observed before the reply (the real backend polls the lease): what the server held is unknown.
    if (end === undefined) continue;
    const possible = end - e.tRes;
    if (e.remaining > possible + EPSILON_MS) {
      out.push({
        invariant: 'S6',
        clients: [e.client],
        at: e.tRes,
        message: `c${e.client}'s grant claims ${Math.round(e.remaining)} ms of validity but its lease ends ${possible} ms after the reply`,
      });
    }
  }
  return out;
}

/**
 * When the server's lease of `token` ends, as last set before `until` (the earliest over a multi-key lock's keys),
 * if seen. The last setting, not the first: a lock may reuse its token across attempts (redlock does), and a
 * retried attempt may set the lease anew.
 */
function leaseEndAt(history: History, token: string, until: number): number | undefined {
  const ends = new Map<string, number>();
  for (const e of history.events) {
    if (e.type === 'lease' && e.t <= until && e.owner === token && e.expireAt !== null)
      ends.set(e.key, e.expireAt);
  }
  return ends.size === 0 ? undefined : Math.min(...ends.values());
}
