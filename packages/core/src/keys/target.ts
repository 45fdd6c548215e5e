import { KEY_SUFFIX, leaseKey } from './lockKeys.js';
import { validateKeys } from '../config/validate.js';

/** The Redis keys of one lock (all its user keys), flattened the way the scripts take them. */
export interface LockTarget {
  /** The user keys, distinct and sorted. */
  readonly keys: readonly string[];
  /**
   * The lease key of each user key, the scripts' KEYS; they derive the lock's other keys from it (see
   * `KEY_SUFFIX` in `lockKeys.ts`).
   */
  readonly leases: readonly string[];
  /** One wake-up channel per user key. */
  readonly channels: readonly string[];
}

/** The Redis keys and channels of a lock on the (validated, sorted) user `keys`. */
export function lockTarget(prefix: string, keys: readonly string[]): LockTarget {
  // Built with map, not push: an array grown by push reserves room for 17 entries, and a process may hold
  // 100 000 locks (bench --held measures the heap per held lock).
  // Only the names a lock uses (see `lockKeys` for all of them). One key (most locks): array literals, of
  // exact size, without the two closures of `map`.
  if (keys.length === 1) {
    const lease = leaseKey(prefix, keys[0] as string);
    return { keys, leases: [lease], channels: [lease + KEY_SUFFIX.channel] };
  }
  const leases = keys.map((key) => leaseKey(prefix, key));
  return { keys, leases, channels: leases.map((lease) => lease + KEY_SUFFIX.channel) };
}

/** How many user keys' Redis key names a locker remembers, at most (hot keys skip encoding). */
const CACHED_TARGETS = 1_024;

/**
 * How many keys used once a locker keeps on probation: a key used again within this many other fresh keys is
 * hot and joins the cache. Small on purpose: a process that locks a fresh key per request (a request id) keeps
 * each target for a few dozen requests, so it dies young in V8's new space instead of being promoted to the old
 * one (a cache of 1 024 fresh keys moved ~100 KB per scavenge there, and the old space's collections cost CPU).
 */
const PROBATION = 64;

/**
 * The {@link lockTarget} of recently used single keys, so a hot key is validated and encoded once. A key's first
 * use puts its target on probation (at most {@link PROBATION} keys, dropped whole when full); a second use while
 * it is there admits it to the cache. Bounded: two generations of up to half of {@link CACHED_TARGETS} entries
 * each; when the newer one is full it becomes the older one and the older one is dropped whole, and a key found in
 * the older one moves to the newer one. Dropping a generation costs nothing per key, where evicting the oldest
 * entry of one Map on every miss walks past the holes that earlier deletes left at its start. Multi-key locks are
 * built each time.
 *
 * @example
 * ```ts
 * const targets = new TargetCache('app');
 * targets.get('order:42') === targets.get(['order:42']) // true: the second use finds it on probation
 * ```
 */
export class TargetCache {
  readonly #prefix: string;
  #probation = new Map<string, LockTarget>();
  #newer = new Map<string, LockTarget>();
  #older = new Map<string, LockTarget>();

  constructor(prefix: string) {
    this.#prefix = prefix;
  }

  /**
   * The target of a user key or list of keys, as given by the caller. Throws `LockConfigError` for bad keys
   * (see `validateKeys`); a cached key was valid when it was cached.
   */
  get(key: unknown): LockTarget {
    // A one-key list (as middleware key functions give) is cached like the key itself.
    const single = Array.isArray(key) && key.length === 1 ? (key[0] as unknown) : key;
    if (typeof single === 'string') {
      const recent = this.#newer.get(single);
      if (recent) return recent;
      const cached = this.#older.get(single) ?? this.#probation.get(single);
      if (cached) {
        this.#remember(single, cached);
        return cached;
      }
    }
    const keys = validateKeys(key);
    const target = lockTarget(this.#prefix, keys);
    const [only] = keys;
    if (keys.length === 1 && only !== undefined) {
      if (this.#probation.size >= PROBATION) this.#probation = new Map();
      this.#probation.set(only, target);
    }
    return target;
  }

  /** Keeps a hot key's target in the newer generation. */
  #remember(key: string, target: LockTarget): void {
    if (this.#newer.size >= CACHED_TARGETS / 2) {
      this.#older = this.#newer;
      this.#newer = new Map();
    }
    this.#newer.set(key, target);
  }
}
