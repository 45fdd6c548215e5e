import type { HistoryParams } from '../history/History.js';
import type { HistoryEvent } from '../history/events.js';
import { tokenOwners, type LeaseInterval } from './leases.js';

/** Counted modes: one holder on the server: `token` was counted among the holders of `key` from `start` to `end`. */
export interface HolderInterval {
  readonly key: string;
  readonly token: string;
  readonly start: number;
  readonly end: number;
}

/**
 * The server's holder intervals of the counted modes, rebuilt from the observed holders sets (mock backend): each
 * token counts from the change that added it until the change that dropped it or its deadline, whichever first.
 *
 * @example
 * ```ts
 * serverHolders(history.events).filter((h) => h.start <= t && t < h.end).length // holders at t
 * ```
 */
export function serverHolders(events: readonly HistoryEvent[]): HolderInterval[] {
  const out: HolderInterval[] = [];
  const open = new Map<string, { key: string; token: string; start: number; expireAt: number }>();
  const close = (id: string, t: number): void => {
    const h = open.get(id);
    if (!h) return;
    out.push({ key: h.key, token: h.token, start: h.start, end: Math.min(t, h.expireAt) });
    open.delete(id);
  };
  for (const e of events) {
    if (e.type !== 'holders') continue;
    const now = new Map(e.holders.map((h) => [`${e.key}\n${h.token}`, h]));
    for (const id of [...open.keys()]) if (id.startsWith(`${e.key}\n`) && !now.has(id)) close(id, e.t);
    for (const [id, h] of now) {
      const current = open.get(id);
      if (current && current.expireAt > e.t) current.expireAt = h.expireAt;
      else {
        close(id, e.t);
        open.set(id, { key: e.key, token: h.token, start: e.t, expireAt: h.expireAt });
      }
    }
  }
  for (const id of [...open.keys()]) close(id, Number.POSITIVE_INFINITY);
  return out;
}

/**
 * Counted modes: the values the lease key took that are not owner tokens but a lock's marker of the held mode
 * (deadbolt keeps `~s` or `~N` there while read shares or permits are held): a value the lease had (or was set to)
 * when a counted grant (a read share, or a permit of a limit above 1) was answered, and that no operation reported
 * as its token. Empty for a run without counted modes.
 *
 * @example
 * ```ts
 * serverLeases(history.events).filter((l) => !modeMarkers(history.params, history.events, leases).has(l.owner))
 * ```
 */
export function modeMarkers(
  params: HistoryParams,
  events: readonly HistoryEvent[],
  leases: readonly LeaseInterval[],
): Set<string> {
  const out = new Set<string>();
  const limit = params.limit ?? 1;
  const tokens = tokenOwners(events);
  for (const g of events) {
    if (g.type !== 'op' || g.op !== 'acquire' || g.result !== 'ok' || g.tRes === undefined) continue;
    if (limit === 1 && g.shared !== true) continue;
    const at = g.tRes;
    // Several changes may share the grant's instant: every value the lease had then is a candidate.
    for (const l of leases)
      if (l.key === g.key && l.start <= at && at <= l.end && !tokens.has(l.owner)) out.add(l.owner);
  }
  return out;
}
