import { defineScriptFamily } from '../redis/ScriptFamily.js';
import { flagCombinations } from './flagCombinations.js';
import { QUEUE_ENTRY_MS } from '../acquire/queueTiming.js';
import { derived, NEXT_FENCE, NOW, QUEUE_HEAD, TELL_HANDED } from './lua.js';
import { MODES_WITHOUT_DROP, WAKE_GRANTABLE } from './modesLua.js';

/** The release flags in their one spelling: `s` (SPUBLISH, Cluster), then `q` (the token may be queued). */
export function releaseFlags(sharded: boolean, queued: boolean): string {
  return (sharded ? 's' : '') + (queued ? 'q' : '');
}

/** Every spelling of the release flags. */
export const RELEASE_FLAGS = flagCombinations(['sharded', 'queued'] as const).map(({ sharded, queued }) =>
  releaseFlags(sharded, queued),
);

/**
 * Releases the keys this token holds (KEYS: one lease per user key) and removes the token from their wait
 * queues; serves both a release and an acquire that gives up. When a key is free afterwards and someone waits,
 * the first waiter's token is published on that key's wake-up channels (see `wake` in `lua.ts`). If that waiter
 * accepts a hand-over (its entry's expiry has the .5 mark: one key, renewal on, ttl ≥ `QUEUE_ENTRY_MS`), the
 * release grants it the lease first, with its next fence and a provisional lifetime of `QUEUE_ENTRY_MS` (its
 * renewal extends it to its ttl; a waiter that died meanwhile blocks no longer than its queue entry would
 * have), and publishes `token:fence`: the waiter holds the lock without another round trip. When that waiter
 * belongs to the releasing locker (same tag), nothing is published: the reply carries the wake-up and the key's
 * number, and the locker delivers it on that key's channel before the release resolves (see `SingleNodeBackend`),
 * sparing a message and the wait for it; the reply holds one, a second such hand-over is published.
 *
 * A queued token that leaves the queue of a key held in a counted mode (a writer that gives up while readers
 * hold the key) wakes the waiters it blocked, as the release of those modes does (`wake_grantable` in
 * `modesLua.ts`): readers behind it may join the readers holding.
 *
 * ARGV: token. Flags, written into the variant's source: `s` publish with SPUBLISH (Cluster) instead of
 * PUBLISH, `q` the token may be queued. A key's wake-up channel is its lease key + `:wake` (see `keys/lockKeys.ts`).
 * The fast path of a one-key lock makes three calls (EXISTS queue, GET, DEL); a hand-over of a one-key lock
 * ten (GET, the head: TIME, ZRANGE, ZSCORE; INCR fence, SET lease, two ZREM or one DEL, PUBLISH) after the
 * EXISTS, nine when the head is the releaser's own.
 * Returns the number of keys that were still held by the token, or `[that number, token:fence, key number]` when
 * a key was handed to a waiter of the releasing locker (see {@link parseRelease}; a second such hand-over is
 * published: the reply holds one).
 */
export const RELEASE = defineScriptFamily(
  'release',
  RELEASE_FLAGS,
  (flags) => `local token, flags = ARGV[1], '${flags}'
${
  flags.includes('q')
    ? '-- No fast path: the token may be queued.'
    : `-- Fast path (one key, nobody waiting): GET, DEL.
if #KEYS == 1 and redis.call('EXISTS', ${derived.queue('KEYS[1]')}) == 0 then
  if redis.call('GET', KEYS[1]) ~= token then return 0 end
  redis.call('DEL', KEYS[1])
  return 1
end`
}
${NOW}${NEXT_FENCE}${QUEUE_HEAD}${TELL_HANDED}
local queued = ${flags.includes('q')}
-- A one-key release that is not queued got here because its queue exists.
local queue_exists = #KEYS == 1 and not queued
local released, own_tag = 0, locker_tag(token)
for index, lease in ipairs(KEYS) do
  local queue, expiry = ${derived.queue('lease')}, ${derived.queueExpiry('lease')}
  local value = redis.call('GET', lease)
  local held = value == token
  if held then released = released + 1 end
  if queued and value and string.sub(value, 1, 1) == '~' and redis.call('ZSCORE', queue, token) then
    -- A waiter leaves the queue of a key held in a counted mode: it wakes the waiters it blocked (readers behind
    -- a writer that gives up), as a release of those modes does. Defined here: no other path pays for them.
    ${MODES_WITHOUT_DROP}${WAKE_GRANTABLE}
    local now = now_ms()
    local mode, count = key_state(lease, now)
    if mode then wake_grantable(flags, lease, index, now, mode, count, mode, count, token, own_tag) end
  end
  if queued and redis.call('ZREM', queue, token) == 1 then
    redis.call('ZREM', expiry, token)
    drop_if_empty(queue, expiry)
  end
  local first, expires, more
  if (queue_exists or redis.call('EXISTS', queue) == 1) and (held or redis.call('EXISTS', lease) == 0) then
    first, expires, more = queue_head(queue, expiry, now_ms())
  end
  -- A permit or read waiter (a \`~\` in its token) is handed its place by a release of the counted modes only.
  if first and expires % 1 ~= 0 and not string.find(first, '~', 1, true) then
    -- Hand-over: the lease is overwritten with the head's token, and the head leaves the queue.
    local fence = next_fence(${derived.fence('lease')}, ${QUEUE_ENTRY_MS})
    redis.call('SET', lease, first, 'PX', ${QUEUE_ENTRY_MS})
    if more then
      redis.call('ZREM', queue, first)
      redis.call('ZREM', expiry, first)
    else
      redis.call('DEL', queue, expiry)
    end
    -- A head that waits in the releasing locker may be told by the reply, no message needed (see parseRelease).
    tell_handed(flags, ${derived.channel('lease')}, first, fence, own_tag, index)
  else
    if held then redis.call('DEL', lease) end
    if first then wake(flags, ${derived.channel('lease')}, first, first, false) end
  end
end
return release_reply(released)
`,
);

/** A release's answer: how many keys the token still held, and a hand-over to tell a waiter of this locker. */
export interface ReleaseReply {
  readonly released: number;
  /** `token:fence` of this locker's waiter that the release handed a key to, without publishing it. */
  readonly handedHere?: string;
  /** Which of the lock's keys (its index in the target's keys) was handed over with {@link handedHere}. */
  readonly handedKey?: number;
}

/**
 * Reads the release script's reply: an integer, or `[released, token:fence, key number]` (from 1, as KEYS) after
 * a local hand-over.
 *
 * @example
 * ```ts
 * parseRelease(1) // { released: 1 }
 * parseRelease([2, 'tag.token:17', 2]) // { released: 2, handedHere: 'tag.token:17', handedKey: 1 }
 * ```
 */
export function parseRelease(reply: unknown): ReleaseReply {
  if (!Array.isArray(reply)) return { released: Number(reply) };
  const [released, handedHere, keyNumber] = reply as [unknown, unknown, unknown];
  return { released: Number(released), handedHere: String(handedHere), handedKey: Number(keyNumber) - 1 };
}
