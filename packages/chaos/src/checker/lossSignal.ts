import type { History } from '../history/History.js';
import { faultsOn } from './liveness.js';
import type { Finding } from './Violation.js';

/**
 * S11 loss signalled: a holder whose lock claims no validity left (`remaining()` reached 0, and it was neither
 * released nor lost) hears it: its loss signal fires by then, so work that watches the signal stops. A probe
 * that finds it still silent more than the lock's drift allowance after first finding it so is a violation.
 * A client whose clock jumped or drifts, or whose process was frozen, since its grant is left out: its timers
 * may rightly lag its clock. Mock backend only (the probes record it there).
 *
 * @example
 * ```ts
 * checkLossSignalled(history) // [{ invariant: 'S11', clients: [1], ... }] when c1's validity ran out in silence
 * ```
 */
export function checkLossSignalled(history: History): Finding[] {
  const { events, params } = history;
  const slack = Math.max(2, Math.floor(params.ttl * params.driftFactor) + 2);
  const firstSeen = new Map<string, number>();
  const reported = new Set<string>();
  const out: Finding[] = [];
  for (const e of events) {
    if (e.type !== 'probe' || !e.unsignalled) continue;
    for (const { client, token } of e.unsignalled) {
      const since = firstSeen.get(token);
      if (since === undefined) {
        firstSeen.set(token, e.t);
        continue;
      }
      if (e.t - since <= slack || reported.has(token)) continue;
      const grant = events.find((g) => g.type === 'op' && g.op === 'acquire' && g.token === token);
      const from = grant?.type === 'op' ? grant.tInv : 0;
      const timing = faultsOn(events, client, from, e.t).some(
        (f) => f.kind === 'clockJump' || f.kind === 'clockDrift' || f.kind === 'waiterStall',
      );
      if (timing) continue;
      reported.add(token);
      out.push({
        invariant: 'S11',
        clients: [client],
        at: e.t,
        message: `c${client}'s lock claimed no validity left from ${since}, but its loss signal had not fired by ${e.t}`,
      });
    }
  }
  return out;
}
