import { CLOCK_STEP_TOLERANCE_MS, QUEUE_ENTRY_MS } from '../acquire/queueTiming.js';
import { fenceTtlLua } from '../lease/fenceCounter.js';
import { KEY_SUFFIX } from '../keys/lockKeys.js';

/**
 * Lua shared by the lock scripts. Every script receives one key per user key, its lease (see `keys/lockKeys.ts`); the
 * script derives the fence, queue, queue expiry keys and the wake-up channel by appending the suffixes of
 * {@link KEY_SUFFIX}. They all sit inside the lease's hash tag, so a Cluster routes the script by its declared
 * keys to the node that owns every key it touches. User data reaches Redis only as KEYS and ARGV, never inside
 * script text.
 *
 * Helpers are defined after a script's fast path: a closure is created on every run of the code that defines
 * it, and the fast path should pay for nothing it does not call.
 */

/** Lua expressions of the keys of the lease `lease` (a Lua variable name). */
export const derived = {
  fence: (lease: string): string => `${lease} .. '${KEY_SUFFIX.fence}'`,
  queue: (lease: string): string => `${lease} .. '${KEY_SUFFIX.queue}'`,
  queueExpiry: (lease: string): string => `${lease} .. '${KEY_SUFFIX.queueExpiry}'`,
  channel: (lease: string): string => `${lease} .. '${KEY_SUFFIX.channel}'`,
};

/**
 * `now_us()`/`now_ms()`: the Redis server's clock (never a client clock). Computed in floating point on
 * purpose: ioredis-mock's Lua (fengari) has 32-bit integers, so integer arithmetic on µs timestamps would wrap.
 * Doubles hold every integer below 2^53 exactly, which the µs clock stays under until the year 2255.
 */
export const NOW = `
local function now_us()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000000.0 + tonumber(t[2])
end
local function now_ms()
  return math.floor(now_us() / 1000)
end
`;

/**
 * `drop_if_empty(queue, expiry)`: deletes a queue that has no waiters left. Real Redis deletes an empty sorted
 * set by itself; ioredis-mock keeps it, so without this the mock would report leftover keys.
 */
export const DROP_IF_EMPTY = `
local function drop_if_empty(queue, expiry)
  if redis.call('ZCARD', queue) == 0 then redis.call('DEL', queue, expiry) end
end
`;

/**
 * `entry_expires(expiry, token, now)`: when `token`'s queue entry expires (server ms; nil: no entry). Every attempt
 * writes `now + QUEUE_ENTRY_MS` (+ .5 for a waiter that accepts a hand-over), so an entry more than
 * `CLOCK_STEP_TOLERANCE_MS` further ahead than that was written before the server's clock stepped back: it is cut
 * back to `QUEUE_ENTRY_MS` from now, keeping its mark, so that a waiter that died blocks the queue for at most
 * `CLOCK_STEP_TOLERANCE_MS` longer after a backward step, not for the whole step.
 */
export const ENTRY_EXPIRES = `
local function entry_expires(expiry, token, now)
  local expires = tonumber(redis.call('ZSCORE', expiry, token))
  if expires and expires - now > ${String(QUEUE_ENTRY_MS + CLOCK_STEP_TOLERANCE_MS)} then
    expires = now + ${String(QUEUE_ENTRY_MS)} + expires % 1
    redis.call('ZADD', expiry, expires, token)
  end
  return expires
end
`;

/**
 * `queue_head(queue, expiry, now)`: the first waiter whose entry has not expired, when its entry expires (server
 * ms; a fraction of .5 marks a waiter that accepts a hand-over, see `release.ts`), and whether another entry
 * follows it; stale heads are dropped.
 */
export const QUEUE_HEAD = `${DROP_IF_EMPTY}${ENTRY_EXPIRES}
local function queue_head(queue, expiry, now)
  while true do
    local firsts = redis.call('ZRANGE', queue, 0, 1)
    local first = firsts[1]
    if not first then return nil end
    local expires = entry_expires(expiry, first, now)
    if expires and expires > now then return first, expires, firsts[2] ~= nil end
    redis.call('ZREM', queue, first)
    redis.call('ZREM', expiry, first)
    drop_if_empty(queue, expiry)
  end
end
`;

/**
 * `next_fence(key, ttl)`: the key's next fence, for a lease of `ttl` ms. INCR keeps the counter's expiry; a
 * counter that does not exist yet, or has expired, starts at the server time in µs and lives
 * `max(2 × ttl, 60 s)` (see `fenceTtl`), computed only then: a fast path pays for no arithmetic. Self-contained (it
 * reads the clock itself), so a script's fast path can define it without the clock helpers.
 */
export const NEXT_FENCE = `
local function next_fence(key, ttl)
  local fence = redis.call('INCR', key)
  if fence > 1 then return fence end
  local t = redis.call('TIME')
  fence = math.max(fence, tonumber(t[1]) * 1000000.0 + tonumber(t[2]))
  redis.call('SET', key, string.format('%.0f', fence), 'PX', ${fenceTtlLua('tonumber(ttl)')})
  return fence
end
`;

/**
 * `locker_tag(token)`: the tag of the locker that made `token` (its text up to the '.'; see `keys/token.ts`), or nil.
 */
export const LOCKER_TAG = `
local function locker_tag(token)
  local dot = string.find(token, '.', 1, true)
  return dot and string.sub(token, 1, dot - 1)
end
`;

/**
 * `wake(flags, channel, waiter, message, handed)`: tells the queue's head `waiter` on its locker's channel
 * (`channel:tag`, the tag being its token up to the '.'; see `waiterChannel` in `keys/lockKeys.ts`), so only that
 * process wakes, and announces `message` on the shared `channel` for unfair waiters unless the lock was handed
 * to `waiter`. With an `s` in the script's `flags` it publishes with SPUBLISH (Cluster), else PUBLISH.
 */
export const WAKE = `${LOCKER_TAG}
local function wake(flags, channel, waiter, message, handed)
  local publish = string.find(flags, 's', 1, true) and 'SPUBLISH' or 'PUBLISH'
  local tag = locker_tag(waiter)
  if tag then redis.call(publish, channel .. ':' .. tag, message) end
  if not (handed and tag) then redis.call(publish, channel, message) end
end
`;

/**
 * \`tell_handed(flags, channel, waiter, fence, own_tag, index)\`: tells \`waiter\`, just handed the key number \`index\`
 * of the script's KEYS with \`fence\`, the message \`waiter:fence\`. The first such waiter that belongs to the releasing
 * locker (its tag is \`own_tag\`) is told by the reply: nothing is published, and \`release_reply(released)\` answers
 * \`{released, waiter:fence, index}\` (see \`parseRelease\` in \`release.ts\`), so the locker wakes it on that key's
 * channel. The reply holds one: every other waiter is told on its channel (see \`wake\`). Without such a waiter
 * \`release_reply\` answers \`released\`.
 */
export const TELL_HANDED = `${WAKE}
local told_here
local function tell_handed(flags, channel, waiter, fence, own_tag, index)
  local message = waiter .. ':' .. string.format('%.0f', fence)
  if not told_here and own_tag and locker_tag(waiter) == own_tag then
    told_here = {message, index}
  else
    wake(flags, channel, waiter, message, true)
  end
end
local function release_reply(released)
  if told_here then return {released, told_here[1], told_here[2]} end
  return released
end
`;

/**
 * Lua ending a refused attempt (`holder_ttl` in scope): `return -(holder_ttl + 2)`, or, for an attempt that
 * accepts hand-overs (`seen` in scope: the fence counter it saw), `return {-(holder_ttl + 2), seen}` with `seen`
 * as a whole-number string (see `parseAttempt` in `acquire.ts`, `parseModeAttempt` in `modeAcquire.ts`).
 */
export function refusal(handOver: boolean): string {
  return handOver ? `return {-(holder_ttl + 2), string.format('%.0f', seen)}` : 'return -(holder_ttl + 2)';
}

/**
 * Lua: `fence`, the highest next fence of the lock's keys (each counter taken once, see {@link NEXT_FENCE}), for
 * a lease of `ttl` ms (in scope).
 */
export const FENCE_OF_KEYS = `local fence = 0
for _, lease in ipairs(KEYS) do
  fence = math.max(fence, next_fence(${derived.fence('lease')}, ttl))
end`;

/**
 * Lua: a refused attempt joins every queue of the lock, in one atomic step at the tail (`last score + 1`), so
 * all queues agree on the order of any two waiters; with `again` (a Lua boolean) a token already queued keeps
 * its place. Its entry expires `enqueue + hand_over` ms after `ms` (a Lua expression: the server clock in ms);
 * `token`, `enqueue` and `hand_over` are in scope.
 */
export function joinQueues(ms: string, again: string): string {
  return `for _, lease in ipairs(KEYS) do
      local queue, expiry = ${derived.queue('lease')}, ${derived.queueExpiry('lease')}
      -- A first attempt's token is new: only a later attempt can find itself queued already.
      if not (${again} and redis.call('ZSCORE', queue, token)) then
        local tail = redis.call('ZRANGE', queue, -1, -1, 'WITHSCORES')[2]
        redis.call('ZADD', queue, (tonumber(tail) or 0) + 1, token)
      end
      redis.call('ZADD', expiry, ${ms} + enqueue + hand_over, token)
      -- Every entry expires at most \`enqueue\` ms after its waiter's last attempt: the queue lives as long.
      redis.call('PEXPIRE', queue, enqueue)
      redis.call('PEXPIRE', expiry, enqueue)
    end`;
}
