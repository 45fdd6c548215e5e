import { defineScript } from '../redis/ScriptRunner.js';
import { NEXT_FENCE, NOW, QUEUE_HEAD } from './lua.js';

/**
 * One acquire attempt on one node, atomically for all the lock's keys.
 *
 * ARGV: token, ttl (ms), enqueue (ms a waiter's queue entry lives; 0 = do not queue), flags: `f` wait in
 * queue order (fair), `q` an earlier attempt of this acquire may have queued it, `c` every grant takes the
 * server clock as a floor for the fence (quorum mode), `h` this waiter accepts the lock handed over by a
 * release (one key, renewal on, ttl ≥ `QUEUE_ENTRY_MS`; its queue entry's expiry gets a fraction of .5 as the
 * mark, see `release.ts`).
 * The fence counter lives `max(2 × ttl, 60 s)`.
 * The uncontended path of a one-key lock makes three calls (EXISTS queue, SET NX lease, INCR fence); a taken
 * lease, a queue, several keys, an earlier queued attempt or quorum mode take the general path.
 * Returns one integer (cheaper to send and parse than an array): the fence (> 0) when granted, or
 * `-(holderTtl + 2)` (≤ -1) when refused, where holderTtl is the longest remaining lease of another holder
 * (-1 when only the queue blocked). See {@link parseAttempt}.
 *
 * The fence is the key's counter plus one (INCR, which keeps the counter's expiry). A counter that does not
 * exist yet, or has expired, starts at the server time in µs, so fences strictly increase with every grant of
 * a key, also across the counter's expiry: a counter lives at least a minute, far fewer grants than its
 * microseconds fit in that time, and the server clock would have to run backwards by that much to repeat one.
 * Without the `c` flag the clock is used only for a new counter; with it (quorum mode) every grant takes
 * `max(counter + 1, server time)`, so fences of independent masters stay comparable. A multi-key lock takes
 * the highest next value of its keys and writes it to all of them. Waiters are queued in arrival order: each joins every queue of
 * the lock in one atomic step, at the tail (`last score + 1`), so all queues agree on the order of any two
 * waiters and multi-key waiters cannot deadlock.
 */
export const ACQUIRE = defineScript(
  'acquire',
  `${NOW}${NEXT_FENCE}
local token, ttl, enqueue, flags = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
local fence_ttl = math.max(2 * ttl, 60000)
-- Fast path (one key, never queued, not quorum mode, nobody waiting): SET NX, then INCR.
if #KEYS == 4 and (flags == '' or ((flags == 'f' or flags == 'fh') and redis.call('EXISTS', KEYS[3]) == 0))
    and redis.call('SET', KEYS[1], token, 'NX', 'PX', ttl) then
  return next_fence(KEYS[2], fence_ttl)
end
${QUEUE_HEAD}
local fair, queued = string.find(flags, 'f', 1, true), string.find(flags, 'q', 1, true)
local clock_floor = string.find(flags, 'c', 1, true)
local hand_over = string.find(flags, 'h', 1, true) and 0.5 or 0
local groups = #KEYS / 4
local us
local function clock()
  us = us or now_us()
  return us
end
local holder_ttl, blocked = -1, false
for g = 0, groups - 1 do
  local lease = KEYS[g * 4 + 1]
  local owner = redis.call('GET', lease)
  if owner then
    if owner ~= token then
      blocked = true
      local pttl = redis.call('PTTL', lease)
      if pttl > holder_ttl then holder_ttl = pttl end
    end
  elseif fair then
    local first = redis.call('ZRANGE', KEYS[g * 4 + 3], 0, 0)[1]
    if first and first ~= token then
      first = queue_head(KEYS[g * 4 + 3], KEYS[g * 4 + 4], math.floor(clock() / 1000))
      if first and first ~= token then blocked = true end
    end
  end
end
if blocked then
  if enqueue > 0 then
    local ms = math.floor(clock() / 1000)
    for g = 0, groups - 1 do
      local queue, expiry = KEYS[g * 4 + 3], KEYS[g * 4 + 4]
      -- A first attempt's token is new: only a later attempt can find itself queued already.
      if not (queued and redis.call('ZSCORE', queue, token)) then
        local tail = redis.call('ZRANGE', queue, -1, -1, 'WITHSCORES')[2]
        redis.call('ZADD', queue, (tonumber(tail) or 0) + 1, token)
      end
      redis.call('ZADD', expiry, ms + enqueue + hand_over, token)
      -- Every entry expires at most \`enqueue\` ms after its waiter's last attempt: the queue lives as long.
      redis.call('PEXPIRE', queue, enqueue)
      redis.call('PEXPIRE', expiry, enqueue)
    end
  end
  return -(holder_ttl + 2)
end
local fence = 0
for g = 0, groups - 1 do
  fence = math.max(fence, next_fence(KEYS[g * 4 + 2], fence_ttl))
end
-- Every grant in quorum mode takes the server clock as a floor; the keys of a lock share its highest fence.
if clock_floor then fence = math.max(fence, clock()) end
local rewrite = clock_floor or groups > 1
for g = 0, groups - 1 do
  redis.call('SET', KEYS[g * 4 + 1], token, 'PX', ttl)
  if rewrite then redis.call('SET', KEYS[g * 4 + 2], string.format('%.0f', fence), 'PX', fence_ttl) end
  if queued and redis.call('ZREM', KEYS[g * 4 + 3], token) == 1 then
    redis.call('ZREM', KEYS[g * 4 + 4], token)
    drop_if_empty(KEYS[g * 4 + 3], KEYS[g * 4 + 4])
  end
end
return fence
`,
);

/** Reads the acquire script's reply: a fence when granted, else the holder's remaining lease (-1: unknown). */
export function parseAttempt(
  reply: unknown,
): { granted: true; fence: number } | { granted: false; holderTtl: number } {
  const value = Number(reply);
  return value > 0 ? { granted: true, fence: value } : { granted: false, holderTtl: -value - 2 };
}
