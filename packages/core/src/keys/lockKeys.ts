import { lockerTagOf } from './token.js';

/** The Redis keys and pub/sub channel that hold one user key's lock. All share one Cluster hash slot. */
export interface LockKeys {
  /**
   * The lease: a string holding the owner token, with the ttl as its expiry; for permits and read shares the
   * marker `~N` or `~s`, expiring with the latest holder (see `config/mode.ts`).
   */
  readonly lease: string;
  /** The fence counter: the last fence granted for this key. */
  readonly fence: string;
  /** The wait queue: a sorted set of waiter tokens by arrival time (server clock, µs). */
  readonly queue: string;
  /** The waiters' expiry: a sorted set of waiter tokens by the server time (ms) their entry expires. */
  readonly queueExpiry: string;
  /**
   * The shared wake-up channel: a release announces the next waiter's token here (unfair waiters listen), and
   * on the channel of that waiter's locker (`channel:tag`, the tag that starts its token), unless it handed that waiter the lock.
   */
  readonly channel: string;
  /** Holders of permits or read shares: a sorted set of their tokens by lease deadline (server ms). */
  readonly holders: string;
}

/** The characters outside `[A-Za-z0-9._~-]` that `encodeURIComponent` leaves as they are. */
const LEFT_AS_IS = /[!'()*]/;

/**
 * Encodes a user key so that it stands for itself only: every byte outside `[A-Za-z0-9._~-]` becomes `%XX`.
 * The encoding is injective, and the result never contains `{` or `}`, so it cannot break out of the hash tag
 * that keeps a lock's keys in one Cluster slot, nor out of the prefix.
 */
export function encodeKey(key: string): string {
  const encoded = encodeURIComponent(key);
  // encodeURIComponent leaves `!'()*` as they are; a key with none of them (the common one) skips the replace,
  // whose global scan cost a fresh key more than this test (every lock of `pnpm bench`'s middleware scenario).
  return LEFT_AS_IS.test(encoded)
    ? encoded.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)
    : encoded;
}

/**
 * The channel a waiter of `channel` listens on: a fair waiter with a tagged token on its locker's own channel
 * (`channel:tag`), so a release wakes only the process whose waiter is next; an unfair waiter on the shared
 * channel, where every release is announced. The release scripts' Lua `wake` mirrors this rule.
 */
export function waiterChannel(channel: string, token: string, fair: boolean): string {
  const tag = fair ? lockerTagOf(token) : undefined;
  return tag === undefined ? channel : `${channel}:${tag}`;
}

/**
 * What the other keys of a lock append to its lease key. The scripts receive only the lease and derive the
 * rest with these suffixes (see `scripts/lua.ts`), so all of a lock's keys share the lease's hash tag.
 */
export const KEY_SUFFIX = {
  fence: ':fence',
  queue: ':queue',
  queueExpiry: ':queue-expiry',
  channel: ':wake',
  holders: ':holders',
} as const;

/** The lease key of one user key under `prefix`: the name every other key of the lock is derived from. */
export function leaseKey(prefix: string, key: string): string {
  return `${prefix}:{${encodeKey(key)}}`;
}

/** The Redis keys of one user key under `prefix`. */
export function lockKeys(prefix: string, key: string): LockKeys {
  const lease = leaseKey(prefix, key);
  return {
    lease,
    fence: lease + KEY_SUFFIX.fence,
    queue: lease + KEY_SUFFIX.queue,
    queueExpiry: lease + KEY_SUFFIX.queueExpiry,
    channel: lease + KEY_SUFFIX.channel,
    holders: lease + KEY_SUFFIX.holders,
  };
}
