import type { History } from '../history/History.js';
import type { FaultEvent } from '../history/events.js';
import { serverLeases, tokenOwners } from './leases.js';
import type { Finding } from './Violation.js';

/** Faults that say nothing about who may hold a lease (they move clocks, or are the drop being judged). */
const NOT_EXCUSING = new Set(['dropInFlight', 'clockJump', 'clockDrift']);

/**
 * L5 no orphan lease: an acquire given up while its connection was down (a `dropInFlight`: its request reached
 * Redis, the connection was cut before the reply, the reconnection was held) leaves nothing behind once the
 * client is back: a lease set around the drop under a token that no grant ever carried must be gone within a
 * quarter ttl after the reconnection, instead of blocking every waiter for its full ttl. Any other fault in the
 * ttl before the lease (a pause, a stall, a lost reply...) excuses it: such a lease may be a waiter's legitimate
 * hand-over, or one that no command could reach in time.
 *
 * @example
 * ```ts
 * checkOrphanLeases(history) // [{ invariant: 'L5', ... }] for a lease left by a re-sent acquire
 * ```
 */
export function checkOrphanLeases(history: History): Finding[] {
  const { ttl, retryBound } = history.params;
  const granted = tokenOwners(history.events);
  const faults = history.events.filter((e): e is FaultEvent => e.type === 'fault');
  const drops = faults.filter((f) => f.kind === 'dropInFlight' && f.client !== undefined);
  const out: Finding[] = [];
  for (const lease of serverLeases(history.events)) {
    if (granted.has(lease.owner)) continue;
    const drop = drops.find((d) => d.t <= lease.start && lease.start <= d.t + (d.duration ?? 0) + retryBound);
    if (!drop || drop.client === undefined) continue;
    const excused = faults.some(
      (f) => !NOT_EXCUSING.has(f.kind) && f.t <= lease.start && f.t + (f.duration ?? 0) >= lease.start - ttl,
    );
    const limit = drop.t + (drop.duration ?? 0) + Math.round(ttl / 4);
    if (excused || lease.end <= limit) continue;
    out.push({
      invariant: 'L5',
      clients: [drop.client],
      at: limit,
      message:
        `a lease of "${lease.key}" that no grant holds (token ${lease.owner}) outlived c${drop.client}'s dropped ` +
        `acquire: set at ${lease.start}, still there at ${limit} (the reconnection + ttl/4), gone at ${lease.end}`,
    });
  }
  return out;
}
