import type { LockTarget } from './backend/LockBackend.js';
import { lockKeys } from './keys.js';

/** The Redis keys and channels of a lock on the (validated, sorted) user `keys`. */
export function lockTarget(prefix: string, keys: readonly string[]): LockTarget {
  const redisKeys: string[] = [];
  const channels: string[] = [];
  for (const key of keys) {
    const k = lockKeys(prefix, key);
    redisKeys.push(k.lease, k.fence, k.queue, k.queueExpiry);
    channels.push(k.channel);
  }
  return { keys, redisKeys, channels };
}

/** How many user keys' Redis key names a locker remembers (hot keys skip encoding). */
const CACHED_TARGETS = 1_024;

/**
 * The {@link lockTarget} of recently used single keys, so a hot key is encoded once. Bounded: the oldest entry
 * goes when the cache is full. Multi-key locks are built each time.
 */
export class TargetCache {
  readonly #prefix: string;
  readonly #targets = new Map<string, LockTarget>();

  constructor(prefix: string) {
    this.#prefix = prefix;
  }

  get(keys: readonly string[]): LockTarget {
    const [key] = keys;
    if (keys.length !== 1 || key === undefined) return lockTarget(this.#prefix, keys);
    let target = this.#targets.get(key);
    if (!target) {
      target = lockTarget(this.#prefix, keys);
      if (this.#targets.size >= CACHED_TARGETS)
        this.#targets.delete(this.#targets.keys().next().value as string);
      this.#targets.set(key, target);
    }
    return target;
  }
}
