import type { History } from '../history/History.js';
import { tokenOwners } from './leases.js';
import type { Finding } from './Violation.js';

/**
 * S5 owner-only and TTL on every key: a client's command never deletes, replaces or extends a live lease owned by
 * another client, and no key ever exists without a TTL. A lease's owner is the client whose operation reported its
 * token, not the client whose command set it: a release that grants the lock to the next waiter sets a lease that
 * waiter owns. Leases of tokens no operation reported (an acquire whose answer was lost) have no known owner and
 * are not checked. When clients share a process (and its connection), a command is known by its process only
 * (`by` is the process's first client): a lease owned by a client of that process counts as its own. Keys the lock
 * declared persistent (`LockAdapter.persistentKeys`) may live without a TTL.
 */
export function checkOwnership(history: History): Finding[] {
  const out: Finding[] = [];
  const ownerOf = tokenOwners(history.events);
  const processOf = (client: number): number => history.params.processOf?.[client] ?? client;
  const current = new Map<string, { owner: string | null; expireAt: number | null }>();
  const persistent = new Set(history.params.persistentKeys);
  for (const e of history.events) {
    if (e.type === 'noTtl' && persistent.has(e.key)) continue;
    if (e.type === 'noTtl') {
      out.push({
        invariant: 'S5',
        clients: e.by === undefined ? [] : [e.by],
        at: e.t,
        message: `key ${e.key} existed without a TTL${e.by === undefined ? '' : ` after a command of c${e.by}`}`,
      });
      continue;
    }
    if (e.type !== 'lease') continue;
    const before = current.get(e.key);
    current.set(e.key, { owner: e.owner, expireAt: e.expireAt });
    if (!before || before.owner === null || e.by === undefined) continue;
    const live = before.expireAt === null || before.expireAt > e.t;
    const owner = ownerOf.get(before.owner);
    const touched = e.owner !== before.owner || e.expireAt !== before.expireAt;
    if (live && touched && owner !== undefined && processOf(owner) !== processOf(e.by)) {
      out.push({
        invariant: 'S5',
        clients: [e.by, owner],
        at: e.t,
        message: `c${e.by} ${e.owner === null ? 'deleted' : e.owner === before.owner ? 'changed the TTL of' : 'replaced'} the live lease of c${owner} on ${e.key}`,
      });
    }
  }
  return out;
}
