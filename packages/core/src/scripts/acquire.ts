import { defineScript } from '../redis/ScriptRunner.js';
import { NOW, QUEUE_HEAD } from './lua.js';

/**
 * One acquire attempt on one node, atomically for all the lock's keys.
 *
 * ARGV: token, ttl (ms), fair ('1' | '0'), enqueue (ms a waiter's queue entry lives; 0 = do not queue),
 * fence ttl (ms).
 * Returns `{1, fence}` when granted (the lease is set on every key), or `{0, holderTtl, position}` when busy:
 * the longest remaining lease of another holder (-1 when only the queue blocked) and this token's place in
 * the first key's queue (-1 when not queued).
 *
 * The fence is `max(last fence + 1, server time in µs)` over all the keys, stored back on each: it strictly
 * increases with every grant of a key, also after the fence key itself expired (a key idle for the fence key's
 * lifetime restarts above every fence it handed out, as long as the server clock does not run backwards by
 * more than that lifetime). Waiters are queued in arrival order: each joins every queue of
 * the lock in one atomic step, at the tail (`last score + 1`), so all queues agree on the order of any two
 * waiters and multi-key waiters cannot deadlock.
 */
export const ACQUIRE = defineScript(
  'acquire',
  `${NOW}${QUEUE_HEAD}
local token, ttl, fair = ARGV[1], tonumber(ARGV[2]), ARGV[3] == '1'
local enqueue, fence_ttl = tonumber(ARGV[4]), tonumber(ARGV[5])
local groups = #KEYS / 4
local us = now_us()
local ms = math.floor(us / 1000)
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
    local first = queue_head(KEYS[g * 4 + 3], KEYS[g * 4 + 4], ms)
    if first and first ~= token then blocked = true end
  end
end
if blocked then
  local position = -1
  if enqueue > 0 then
    for g = 0, groups - 1 do
      local queue, expiry = KEYS[g * 4 + 3], KEYS[g * 4 + 4]
      if not redis.call('ZSCORE', queue, token) then
        local tail = redis.call('ZRANGE', queue, -1, -1, 'WITHSCORES')[2]
        redis.call('ZADD', queue, (tonumber(tail) or 0) + 1, token)
      end
      redis.call('ZADD', expiry, ms + enqueue, token)
      if redis.call('PTTL', queue) < enqueue then
        redis.call('PEXPIRE', queue, enqueue)
        redis.call('PEXPIRE', expiry, enqueue)
      end
    end
    position = redis.call('ZRANK', KEYS[3], token) or -1
  end
  return {0, holder_ttl, position}
end
local fence = now_us()
for g = 0, groups - 1 do
  local last = tonumber(redis.call('GET', KEYS[g * 4 + 2]) or '0')
  if last >= fence then fence = last + 1 end
end
local fence_text = string.format('%.0f', fence)
for g = 0, groups - 1 do
  redis.call('SET', KEYS[g * 4 + 1], token, 'PX', ttl)
  redis.call('SET', KEYS[g * 4 + 2], fence_text, 'PX', fence_ttl)
  if redis.call('ZREM', KEYS[g * 4 + 3], token) == 1 then
    redis.call('ZREM', KEYS[g * 4 + 4], token)
    drop_if_empty(KEYS[g * 4 + 3], KEYS[g * 4 + 4])
  end
end
return {1, fence}
`,
);
