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
