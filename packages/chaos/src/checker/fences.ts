import type { History } from '../history/History.js';
import type { OpEvent } from '../history/events.js';
import type { Finding } from './Violation.js';

/**
 * S4 fence order: fences of one key are unique, and when one grant completed before another was invoked, the
 * later grant's fence is strictly greater. Always a bug: fences come from the server, not from the faults.
 */
export function checkFenceOrder(history: History): Finding[] {
  const grants = history.events.filter(
    (e): e is OpEvent & { tRes: number; fence: number } =>
      e.type === 'op' &&
      e.op === 'acquire' &&
      e.result === 'ok' &&
      e.fence !== undefined &&
      e.tRes !== undefined,
  );
  const out: Finding[] = [];
  for (const g of grants) {
    for (const h of grants) {
      if (g === h || g.key !== h.key) continue;
      if (g.tRes < h.tInv && !(g.fence < h.fence)) {
        out.push({
          invariant: 'S4',
          clients: [g.client, h.client],
          at: h.tRes,
          message: `fence ${h.fence} of c${h.client} (acquired at ${h.tRes}) is not above fence ${g.fence} of c${g.client}'s earlier grant`,
          alwaysBug: true,
          fence: h.fence,
        });
      } else if (g.id < h.id && g.fence === h.fence) {
        out.push({
          invariant: 'S4',
          clients: [g.client, h.client],
          at: h.tRes,
          message: `fence ${g.fence} was handed to two grants (c${g.client} and c${h.client})`,
          alwaysBug: true,
          fence: h.fence,
        });
      }
    }
  }
  return out;
}
