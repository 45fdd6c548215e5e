import type { HistoryEvent, LeaseEvent } from '../history/events.js';

/** One server-side lease: `owner` held `key` from `start` until `end` (expiry or replacement). */
export interface LeaseInterval {
  readonly key: string;
  readonly owner: string;
  readonly start: number;
  readonly end: number;
  /** The client whose command set it. */
  readonly by: number | undefined;
}

/**
 * The server's lease intervals, rebuilt from the observed lease changes: each owner holds from the change that set
 * it until its expiry or the next change, whichever comes first.
 *
 * @example
 * ```ts
 * serverLeases(history.events).filter((l) => l.key === 'k')
 * ```
 */
export function serverLeases(events: readonly HistoryEvent[]): LeaseInterval[] {
  const byKey = new Map<string, LeaseEvent[]>();
  for (const e of events) {
    if (e.type !== 'lease') continue;
    const list = byKey.get(e.key) ?? [];
    list.push(e);
    byKey.set(e.key, list);
  }
  const out: LeaseInterval[] = [];
  for (const [key, list] of byKey) {
    let current:
      { owner: string; start: number; expireAt: number | null; by: number | undefined } | undefined;
    const close = (t: number): void => {
      if (!current) return;
      const end = current.expireAt === null ? t : Math.min(t, current.expireAt);
      out.push({ key, owner: current.owner, start: current.start, end, by: current.by });
    };
    for (const e of list) {
      if (current && e.owner === current.owner && (current.expireAt === null || current.expireAt > e.t)) {
        current.expireAt = e.expireAt;
        continue;
      }
      close(e.t);
      current = e.owner === null ? undefined : { owner: e.owner, start: e.t, expireAt: e.expireAt, by: e.by };
    }
    close(Number.POSITIVE_INFINITY);
  }
  return out;
}

/** The owner of `key` at time `t` according to `leases`, or `null`. */
export function ownerAt(leases: readonly LeaseInterval[], key: string, t: number): string | null {
  for (const l of leases) if (l.key === key && l.start <= t && t < l.end) return l.owner;
  return null;
}

/**
 * The client each token belongs to: the client whose operation reported it. Not necessarily the client whose
 * command set a lease to it: a release that hands the lock to the next waiter sets that waiter's token.
 *
 * @example
 * ```ts
 * tokenOwners(history.events).get(lease.owner) // the client, or undefined when no operation reported it
 * ```
 */
export function tokenOwners(events: readonly HistoryEvent[]): Map<string, number> {
  const owners = new Map<string, number>();
  for (const e of events) if (e.type === 'op' && e.token !== undefined) owners.set(e.token, e.client);
  return owners;
}

/**
 * When the server's lease of `token` ends, as last set before `until` (the earliest over a multi-key lock's keys),
 * if seen. The last setting, not the first: a lock may reuse its token across attempts (redlock does), and a
 * retried attempt may set the lease anew.
 *
 * @example
 * ```ts
 * leaseEndAt(history.events, grant.token, grant.tRes) // e.g. 1014, or undefined when never observed
 * ```
 */
export function leaseEndAt(
  events: readonly HistoryEvent[],
  token: string,
  until: number,
): number | undefined {
  const ends = new Map<string, number>();
  for (const e of events) {
    if (e.type === 'lease' && e.t <= until && e.owner === token && e.expireAt !== null)
      ends.set(e.key, e.expireAt);
  }
  return ends.size === 0 ? undefined : Math.min(...ends.values());
}
