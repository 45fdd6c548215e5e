import type { Redis } from 'ioredis';
import type { History } from '../history/History.js';
import { mockStoreTables, type MockStoreTables } from './internals.js';
import { MOCK_TIME_AHEAD_MS } from './VirtualClock.js';

/**
 * Watches the shared ioredis-mock store without sending commands: after every applied command it records lease
 * changes on the watched lease keys (recorded under their user key) and any key without a TTL. Expiry is applied lazily, as the mock does.
 * Given several stores (the masters of a quorum), a lease is the one a majority of them hold, until the
 * majority-th latest of their expiries (as `RedisTopology.lease` reads real masters).
 *
 * @example
 * ```ts
 * const observer = new StoreObserver(rootMock, history, new Map([['deadbolt:{k}', 'k']]), epoch)
 * observer.afterCommand(0)
 * ```
 */
export class StoreObserver {
  readonly #mocks: readonly MockStoreTables[];
  readonly #history: History;
  readonly #leaseKeys: ReadonlyMap<string, string>;
  readonly #epoch: number;
  readonly #last = new Map<string, { owner: string | null; expireAt: number | null }>();
  readonly #noTtlSeen = new Set<string>();
  readonly #holdersKeys: ReadonlyMap<string, string>;
  readonly #lastHolders = new Map<string, string>();

  /** @param holdersKeys - counted modes: the holders sets to watch, by Redis key, each with its user key. */
  /** @param mock - the store, or the stores of every master of a quorum (the first holds the holders sets). */
  constructor(
    mock: Redis | readonly Redis[],
    history: History,
    leaseKeys: ReadonlyMap<string, string>,
    epoch: number,
    holdersKeys: ReadonlyMap<string, string> = new Map(),
  ) {
    this.#mocks = (Array.isArray(mock) ? mock : [mock]).map(mockStoreTables);
    this.#history = history;
    this.#leaseKeys = leaseKeys;
    this.#epoch = epoch;
    this.#holdersKeys = holdersKeys;
  }

  /** Counted modes: the live holders in the sorted set `holdersKey` (deadline scores ahead of now), in reference ms. */
  holders(holdersKey: string): { token: string; expireAt: number }[] {
    const set = this.#mocks[0]?.data.get(holdersKey);
    if (!(set instanceof Map)) return [];
    const now = this.#history.now();
    const out: { token: string; expireAt: number }[] = [];
    for (const { score, value } of (set as Map<string, { score: number; value: string }>).values()) {
      // Scores are deadlines on the scripts' clock (`TIME`), which reads ahead of the store's expiry clock.
      const expireAt = Number(score) - MOCK_TIME_AHEAD_MS - this.#epoch;
      if (expireAt > now) out.push({ token: String(value), expireAt });
    }
    return out.sort((a, b) => (a.token < b.token ? -1 : 1));
  }

  /** The token on `leaseKey` now (on a majority of the stores), or `null`. */
  owner(leaseKey: string): string | null {
    return this.#lease(leaseKey).owner;
  }

  /** The owner of `leaseKey` on a majority of the stores and when it expires there (ms since the epoch), or none. */
  #lease(key: string): { owner: string | null; expireAt: number | null } {
    const majority = Math.floor(this.#mocks.length / 2) + 1;
    const byOwner = new Map<string, (number | null)[]>();
    for (const mock of this.#mocks) {
      const value = mock.data.get(key);
      const owner = typeof value === 'string' ? value : value instanceof Buffer ? value.toString() : null;
      if (owner === null) continue;
      const expireAt = mock.expires.has(key) ? mock.expires.get(key) - this.#epoch : null;
      byOwner.set(owner, [...(byOwner.get(owner) ?? []), expireAt]);
    }
    for (const [owner, expiries] of byOwner) {
      if (expiries.length < majority) continue;
      // Latest first, no expiry before every other: the lease lasts while a majority still holds it.
      const sorted = expiries.sort((a, b) => (a === null ? -1 : b === null ? 1 : b - a));
      return { owner, expireAt: sorted[majority - 1] ?? null };
    }
    return { owner: null, expireAt: null };
  }

  /** Live keys of the stores (each once). */
  keys(): string[] {
    return [...new Set(this.#mocks.flatMap((mock) => mock.data.keys()))];
  }

  /** Records what a command of `client` changed (or an expiry, with `client` undefined). */
  afterCommand(client?: number): void {
    const by = client === undefined ? {} : { by: client };
    for (const [key, userKey] of this.#leaseKeys) {
      const { owner, expireAt } = this.#lease(key);
      const last = this.#last.get(key);
      if (last && last.owner === owner && last.expireAt === expireAt) continue;
      if (!last && owner === null) continue;
      this.#last.set(key, { owner, expireAt });
      this.#history.record({ type: 'lease', key: userKey, owner, expireAt, ...by });
    }
    for (const [key, userKey] of this.#holdersKeys) {
      const holders = this.holders(key);
      const seen = holders.map((h) => `${h.token}@${h.expireAt}`).join(' ');
      if ((this.#lastHolders.get(key) ?? '') === seen) continue;
      this.#lastHolders.set(key, seen);
      this.#history.record({ type: 'holders', key: userKey, holders, ...by });
    }
    for (const key of this.keys()) {
      if (this.#mocks.every((mock) => mock.expires.has(key) || mock.data.get(key) === undefined)) continue;
      if (this.#noTtlSeen.has(key)) continue;
      this.#noTtlSeen.add(key);
      this.#history.push({ type: 'noTtl', t: this.#history.now(), key, ...by });
    }
  }
}
