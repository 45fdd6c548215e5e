import type { History } from '../history/History.js';
import type { Finding } from './Violation.js';

/** Measurement slack of the honest-validity check, in ms. */
const EPSILON_MS = 1;

/**
 * S6 honest validity: right after a grant, the validity a lock claims is at most ttl minus the time since the server
 * set the lease (the granting attempt started before that): a slow acquire must not report a fresh lease.
 */
export function checkHonestValidity(history: History): Finding[] {
  const out: Finding[] = [];
  for (const e of history.events) {
    if (e.type !== 'op' || e.op !== 'acquire' || e.result !== 'ok') continue;
    if (e.remaining === undefined || e.tRes === undefined) continue;
    const start = leaseSetAt(history, e.token, e.tRes);
    // Not observed before the reply (the real backend polls the lease): when the granting attempt began is unknown.
    if (start === undefined) continue;
    const possible = e.ttl - (e.tRes - start);
    if (e.remaining > possible + EPSILON_MS) {
      out.push({
        invariant: 'S6',
        clients: [e.client],
        at: e.tRes,
        message: `c${e.client}'s grant claims ${Math.round(e.remaining)} ms of validity but at most ${possible} ms can be left (the lease was set ${e.tRes - start} ms before the reply)`,
      });
    }
  }
  return out;
}

/**
 * When the server last began holding `token` by `until` (the granting attempt started no later), if seen. The last
 * start, not the first: a lock may reuse its token across attempts (redlock does).
 */
function leaseSetAt(history: History, token: string | undefined, until: number): number | undefined {
  let start: number | undefined;
  const owners = new Map<string, string | null>();
  for (const e of history.events) {
    if (e.type !== 'lease' || e.t > until) continue;
    if (e.owner === token && owners.get(e.key) !== token) start = e.t;
    owners.set(e.key, e.owner);
  }
  return start;
}
