import { QUEUE_ENTRY_MS } from '../acquire/queueTiming.js';
import { defineScriptFamily } from '../redis/ScriptFamily.js';
import { flagCombinations } from './flagCombinations.js';
import { fenceTtlLua } from '../lease/fenceCounter.js';
import { derived, FENCE_OF_KEYS, joinQueues, NEXT_FENCE, NOW, QUEUE_HEAD, refusal } from './lua.js';

/** What one attempt asks of the acquire script, besides the token and ttl. */
export interface AttemptFlags {
  /** Wait in queue order. */
  readonly fair: boolean;
  /** Join the queue when refused (an acquire that may wait), with an entry that lives `QUEUE_ENTRY_MS`. */
  readonly wait: boolean;
  /** Accept the lock handed over by a release (one key, renewal on, ttl ≥ `QUEUE_ENTRY_MS`). */
  readonly handOver: boolean;
  /** An earlier attempt of this acquire may have queued it. */
  readonly queued: boolean;
  /** Every grant takes the server clock as a floor for the fence (quorum mode). */
  readonly clockFloor: boolean;
}

/**
 * The flags of an attempt in their one spelling (`f`, `w`, `h`, `q`, `c`, in this order): each spelling names
 * one variant of the acquire script (see {@link acquireScript}).
 */
export function attemptFlags(flags: AttemptFlags): string {
  return (
    (flags.fair ? 'f' : '') +
    (flags.wait ? 'w' : '') +
    (flags.handOver && flags.wait ? 'h' : '') +
    (flags.queued ? 'q' : '') +
    (flags.clockFloor ? 'c' : '')
  );
}

/**
 * One acquire attempt on one node, atomically for all the lock's keys (KEYS: one lease per user key), in the
 * variant for `flags` (see {@link attemptFlags}), which its source holds as a constant.
 *
 * ARGV: token, ttl (ms). A waiter's queue entry lives `QUEUE_ENTRY_MS` after its last attempt; a waiter that
 * accepts a hand-over marks its entry's expiry with a fraction of .5 (see `release.ts`). The fence counter
 * lives `max(2 × ttl, 60 s)`.
 * The fast path (one key, never queued, not quorum mode) makes three calls: EXISTS queue (fair only), SET NX
 * lease, INCR fence; a taken lease, a queue, several keys, an earlier queued attempt or quorum mode take the
 * general path.
 * Returns one integer (cheaper to send and parse than an array): the fence (> 0) when granted, or
 * `-(holderTtl + 2)` (≤ -1) when refused, where holderTtl is the longest remaining lease of another holder
 * (-1 when only the queue blocked). A refused attempt that accepts hand-overs (`h`) returns
 * `[-(holderTtl + 2), seen]` instead, `seen` being the highest fence counter of its keys (the server clock in µs
 * where none exists): a hand-over fenced above it happened after this attempt. See {@link parseAttempt}.
 *
 * The fence is the key's counter plus one (INCR, which keeps the counter's expiry). A counter that does not
 * exist yet, or has expired, starts at the server time in µs, so fences strictly increase with every grant of
 * a key, also across the counter's expiry: a counter lives at least a minute, far fewer grants than its
 * microseconds fit in that time, and the server clock would have to run backwards by that much to repeat one.
 * Without the `c` flag the clock is used only for a new counter; with it (quorum mode) every grant takes
 * `max(counter + 1, server time)`, so fences of independent masters stay comparable. A multi-key lock takes
 * the highest next value of its keys and writes it to all of them. Waiters are queued in arrival order: each
 * joins every queue of the lock in one atomic step, at the tail (`last score + 1`), so all queues agree on the
 * order of any two waiters and multi-key waiters cannot deadlock.
 */
export const ACQUIRE = defineScriptFamily(
  'acquire',
  [
    ...new Set(
      flagCombinations(['fair', 'wait', 'handOver', 'queued', 'clockFloor'] as const).map(attemptFlags),
    ),
  ],
  (flags) => {
    const has = (flag: string): boolean => flags.includes(flag);
    const fastPath = !has('q') && !has('c');
    return `${NEXT_FENCE}
local token, ttl = ARGV[1], ARGV[2]
${
  fastPath
    ? `if #KEYS == 1 ${has('f') ? `and redis.call('EXISTS', ${derived.queue('KEYS[1]')}) == 0` : ''}
    and redis.call('SET', KEYS[1], token, 'NX', 'PX', ttl) then
  return next_fence(${derived.fence('KEYS[1]')}, ttl)
end`
    : '-- No fast path: an earlier attempt may have queued this token, or quorum mode.'
}
${NOW}${QUEUE_HEAD}
local fence_ttl = ${fenceTtlLua('tonumber(ttl)')}
local fair, queued, clock_floor = ${has('f')}, ${has('q')}, ${has('c')}
local enqueue = ${has('w') ? QUEUE_ENTRY_MS : 0}
local hand_over = ${has('h') ? 0.5 : 0}
local us
local function clock()
  us = us or now_us()
  return us
end
local holder_ttl, blocked = -1, false
for _, lease in ipairs(KEYS) do
  local owner = redis.call('GET', lease)
  if owner then
    if owner ~= token then
      blocked = true
      local pttl = redis.call('PTTL', lease)
      if pttl > holder_ttl then holder_ttl = pttl end
    end
  elseif fair then
    local queue = ${derived.queue('lease')}
    local first = redis.call('ZRANGE', queue, 0, 0)[1]
    if first and first ~= token then
      first = queue_head(queue, ${derived.queueExpiry('lease')}, math.floor(clock() / 1000))
      if first and first ~= token then blocked = true end
    end
  end
end
if blocked then
  if enqueue > 0 then
    local ms = math.floor(clock() / 1000)
    ${joinQueues('ms', 'queued')}
  end
  ${
    has('h')
      ? `-- A waiter that accepts hand-overs also learns the highest fence its keys have had by now (the server clock
  -- when a counter is gone): a hand-over it hears of later is for this attempt only if its fence is above that.
  local seen = 0
  for _, lease in ipairs(KEYS) do
    seen = math.max(seen, tonumber(redis.call('GET', ${derived.fence('lease')})) or clock())
  end
  ${refusal(true)}`
      : refusal(false)
  }
end
${FENCE_OF_KEYS}
-- Every grant in quorum mode takes the server clock as a floor; the keys of a lock share its highest fence.
if clock_floor then fence = math.max(fence, clock()) end
local rewrite = clock_floor or #KEYS > 1
for _, lease in ipairs(KEYS) do
  redis.call('SET', lease, token, 'PX', ttl)
  if rewrite then redis.call('SET', ${derived.fence('lease')}, string.format('%.0f', fence), 'PX', fence_ttl) end
  local queue, expiry = ${derived.queue('lease')}, ${derived.queueExpiry('lease')}
  if queued and redis.call('ZREM', queue, token) == 1 then
    redis.call('ZREM', expiry, token)
    drop_if_empty(queue, expiry)
  end
end
return fence
`;
  },
);

/**
 * Reads the acquire script's reply: a fence when granted, else the holder's remaining lease (-1: unknown) and,
 * for an attempt that accepts hand-overs, the highest fence its keys had (`[-(holderTtl + 2), fence]`).
 *
 * @example
 * ```ts
 * parseAttempt(1796171555799974) // { granted: true, fence: 1796171555799974 }
 * parseAttempt([-1502, '1796171555799974']) // { granted: false, holderTtl: 1500, seenFence: 1796171555799974 }
 * ```
 */
export function parseAttempt(
  reply: unknown,
): { granted: true; fence: number } | { granted: false; holderTtl: number; seenFence?: number } {
  if (Array.isArray(reply)) {
    const [refusal, seen] = reply as [unknown, unknown];
    return { granted: false, holderTtl: -Number(refusal) - 2, seenFence: Number(seen) };
  }
  const value = Number(reply);
  return value > 0 ? { granted: true, fence: value } : { granted: false, holderTtl: -value - 2 };
}
