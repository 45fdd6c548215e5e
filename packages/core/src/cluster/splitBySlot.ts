import type { LockTarget } from '../keys/target.js';
import { clusterSlot } from './clusterSlot.js';

/** The keys of one lock that live in one Cluster slot. */
export interface SlotPart {
  readonly slot: number;
  readonly target: LockTarget;
}

/**
 * Splits a lock's keys by Cluster hash slot, in ascending slot order; keys keep their sorted order inside a
 * part. A single-key lock (and a multi-key lock whose keys happen to share a slot) gives one part.
 *
 * @example
 * ```ts
 * splitBySlot(lockTarget('deadbolt', ['a', 'b'])).map((p) => p.slot) // e.g. [15495, 3300] sorted
 * ```
 */
export function splitBySlot(target: LockTarget): SlotPart[] {
  const parts = new Map<number, { keys: string[]; leases: string[]; channels: string[] }>();
  target.keys.forEach((key, index) => {
    const lease = target.leases[index] ?? '';
    const slot = clusterSlot(lease);
    let part = parts.get(slot);
    if (!part) {
      part = { keys: [], leases: [], channels: [] };
      parts.set(slot, part);
    }
    part.keys.push(key);
    part.leases.push(lease);
    part.channels.push(target.channels[index] ?? '');
  });
  return [...parts.entries()].sort(([a], [b]) => a - b).map(([slot, part]) => ({ slot, target: part }));
}
