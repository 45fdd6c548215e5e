import type { Redis } from 'ioredis';
import type { LeftEntry } from '../history/events.js';
import { mockStoreTables, type MockStoreTables } from './internals.js';

/**
 * Watches which tokens a lock keeps in the stores under one user key (its lease key and every key that starts with
 * it: queue, holders...), and which client process first put each there, without sending commands. An entry is the
 * lease key's value (unless the lease holds a mode marker, `leaseValue` false) or a member of a sorted set, set,
 * list or hash under those keys; a key past its expiry holds none. Plain string keys other than the lease (a fence
 * counter) hold none.
 *
 * @example
 * ```ts
 * const entries = new TokenEntries(roots, 'deadbolt:{resource}', true)
 * entries.afterCommand(0, 12) // after each applied command of process 0, at reference ms 12
 * entries.left(0, 10) // [{ node: 2, key: 'deadbolt:{resource}:queue', token: '…' }]
 * ```
 */
export class TokenEntries {
  readonly #mocks: readonly MockStoreTables[];
  readonly #leaseKey: string;
  readonly #leaseValue: boolean;
  /** Each token seen so far: the process whose command first showed it, and when (reference ms). */
  readonly #origin = new Map<string, { by: number; t: number }>();

  /**
   * @param mocks - the store of every master, in order.
   * @param leaseKey - the lease key of the watched user key; keys starting with it belong to the same lock.
   * @param leaseValue - whether the lease key's value is a token (false in counted modes: a marker). Default `true`.
   */
  constructor(mocks: readonly Redis[], leaseKey: string, leaseValue = true) {
    this.#mocks = mocks.map(mockStoreTables);
    this.#leaseKey = leaseKey;
    this.#leaseValue = leaseValue;
  }

  /** Notes the tokens a command of process `by` (first client's number) showed for the first time, at `t`. */
  afterCommand(by: number, t: number): void {
    for (const { token } of this.#entries()) if (!this.#origin.has(token)) this.#origin.set(token, { by, t });
  }

  /** The entries on every master now whose token process `by` first put there at or after `since` (reference ms). */
  left(by: number, since: number): LeftEntry[] {
    return this.#entries().filter(({ token }) => {
      const origin = this.#origin.get(token);
      return origin !== undefined && origin.by === by && origin.t >= since;
    });
  }

  /** Every entry of the watched lock on every master, now. */
  #entries(): LeftEntry[] {
    const out: LeftEntry[] = [];
    const now = Date.now();
    this.#mocks.forEach((mock, node) => {
      for (const key of mock.data.keys()) {
        if (!key.startsWith(this.#leaseKey)) continue;
        if (mock.expires.has(key) && mock.expires.get(key) <= now) continue;
        const lease = key === this.#leaseKey;
        if (lease && !this.#leaseValue) continue;
        for (const token of members(mock.data.get(key), lease)) out.push({ node, key, token });
      }
    });
    return out;
  }
}

/** The tokens a stored value holds: a lease's string value, or a collection's members. */
function members(value: unknown, lease: boolean): string[] {
  if (typeof value === 'string' || value instanceof Buffer) return lease ? [value.toString()] : [];
  if (value instanceof Map) return [...value.keys()].map(String);
  if (value instanceof Set || Array.isArray(value)) return [...(value as Iterable<unknown>)].map(String);
  if (value !== null && typeof value === 'object') return Object.keys(value);
  return [];
}
