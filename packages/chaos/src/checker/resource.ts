import type { History } from '../history/History.js';
import type { Finding } from './Violation.js';

/**
 * S3 no lost update: every accepted write must start from the value the resource held when it was written
 * (read → pause → write is not atomic, so an overlap shows as a write whose `before` differs from its `read`).
 * Lost updates on the fenced resource are always bugs: fencing must hold even beyond the bounds.
 */
export function checkLostUpdates(history: History): Finding[] {
  const out: Finding[] = [];
  for (const e of history.events) {
    if (e.type !== 'write' || !e.accepted || e.before === e.read) continue;
    const other = e.lastWriter;
    out.push({
      invariant: 'S3',
      clients: other === undefined || other === e.client ? [e.client] : [e.client, other],
      at: e.t,
      message: `lost update on the ${e.resource} resource: c${e.client} read ${e.read} at ${e.tRead} but wrote over ${e.before}${other === undefined ? '' : ` (last written by c${other})`}`,
      alwaysBug: e.resource === 'fenced',
      ...(e.resource === 'fenced' && e.fence !== undefined ? { fence: e.fence } : {}),
    });
  }
  return out;
}
