import type { History } from '../history/History.js';
import type { Finding } from './Violation.js';

/**
 * S10 lease length: no command sets a lease (or extends it) to expire more than the run's ttl after the moment it
 * ran, so a holder that dies blocks the key no longer than one ttl (a provisional lease of a hand-over included).
 * Judged where the lease is observed exactly (the mock). The lock's own command decides the length, whatever the
 * clocks: always a bug.
 *
 * @example
 * ```ts
 * checkLeaseLength(history) // [{ invariant: 'S10', ... }] when a lease was set 60 000 ms long in a run of ttl 2 000
 * ```
 */
export function checkLeaseLength(history: History): Finding[] {
  if ((history.params.leases ?? 'exact') === 'sampled') return [];
  const { ttl } = history.params;
  const out: Finding[] = [];
  for (const e of history.events) {
    if (e.type !== 'lease' || e.owner === null || e.expireAt === null || e.expireAt - e.t <= ttl) continue;
    out.push({
      invariant: 'S10',
      clients: e.by === undefined ? [] : [e.by],
      at: e.t,
      message: `the lease of "${e.key}" was set to live ${e.expireAt - e.t} ms${e.by === undefined ? '' : ` by a command of c${e.by}`}, longer than the ttl of ${ttl} ms`,
      alwaysBug: true,
    });
  }
  return out;
}
