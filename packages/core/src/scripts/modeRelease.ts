import { defineScriptFamily } from '../redis/ScriptFamily.js';
import { flagCombinations } from './flagCombinations.js';
import { derived, NEXT_FENCE, NOW, TELL_HANDED } from './lua.js';
import { holdersOf, MODES, WAKE_GRANTABLE } from './modesLua.js';
import { releaseFlags } from './release.js';

/**
 * Releases the permit or read share this token holds on every key of the lock (KEYS: one lease per user key)
 * and, with `q`, takes it out of their wait queues: serves a release and an acquire that gives up. ARGV: token.
 *
 * Per key: expired holders are dropped first; the marker then lives until the latest remaining holder
 * deadline (it is shortened only when the leaving holder had the latest deadline), and goes with the last holder.
 * A release wakes exactly the waiters it makes grantable: those that would be granted now and were not before it,
 * found in one walk of the queue from the head that reads the scores of the waiters it wakes and stops once no
 * other could be granted (see `newly_grantable` in `modesLua.ts`): one permit freed, the next permit waiter; the
 * last reader gone, the exclusive waiter at the head; a waiter of these modes that gives up, those it blocked. A
 * woken permit or read waiter that accepts a hand-over (the .5 mark, see `modeAcquire.ts`) is granted its place
 * here, as the mutex's release does: with its next fence, a provisional deadline `QUEUE_ENTRY_MS` away (its
 * renewal extends it) and out of the queue, and hears `token:fence`; it trusts that only when the fence is above
 * the one its last refused attempt saw (see `acquireLoop`). Other waiters make their own attempt. Flags as the
 * mutex's release: `s` publish with SPUBLISH (Cluster), `q` the token may be queued. A release that hands one
 * permit over makes 13 calls (TIME; GET, ZRANGE, ZCARD; ZRANGE, ZREM; the woken waiter: ZRANGE, ZSCORE; INCR
 * fence, ZADD, two ZREM; PUBLISH), plus ZRANGE and two PEXPIRE when the leaving holder had the latest deadline,
 * and SET, PEXPIRE when the new holder's provisional deadline is the latest.
 * Returns how many keys the token still held, or, as the mutex's release, `[that number, token:fence, key number]`
 * when it handed a place to a waiter of the releasing locker (no message then; see `tell_handed`, `parseRelease`).
 */
export const MODE_RELEASE = defineScriptFamily(
  'release-mode',
  flagCombinations(['sharded', 'queued'] as const).map(({ sharded, queued }) =>
    releaseFlags(sharded, queued),
  ),
  (flags) => `${NOW}${NEXT_FENCE}${MODES}${TELL_HANDED}${WAKE_GRANTABLE}
local token, flags = ARGV[1], '${flags}'
local queued = ${flags.includes('q')}
local now = now_ms()
local released, own_tag = 0, locker_tag(token)
for index, lease in ipairs(KEYS) do
  local holders, queue, expiry = ${holdersOf('lease')}, ${derived.queue('lease')}, ${derived.queueExpiry('lease')}
  local held, count = key_state(lease, now)
  local holds, marked_until = false, nil
  if held ~= nil and held ~= '!' then
    -- The marker and the holders set live until the latest holder deadline: they change only when it was ours.
    local latest = redis.call('ZRANGE', holders, -1, -1, 'WITHSCORES')
    holds = redis.call('ZREM', holders, token) == 1
    marked_until = tonumber(latest[2])
    if holds and latest[1] == token then
      local last = redis.call('ZRANGE', holders, -1, -1, 'WITHSCORES')[2]
      marked_until = tonumber(last)
      if last then
        local ms = math.max(marked_until - now, 1)
        redis.call('PEXPIRE', lease, ms)
        redis.call('PEXPIRE', holders, ms)
      else
        redis.call('DEL', lease, holders)
      end
    end
  end
  local waits = queued and redis.call('ZSCORE', queue, token)
  if holds or waits then
    local after_held, after_count = held, count
    if holds then
      released = released + 1
      after_count = count - 1
      if after_count == 0 then after_held = nil end
    end
    local emptied =
      wake_grantable(flags, lease, index, now, held, count, after_held, after_count, waits and token or nil, own_tag, marked_until)
    if waits then
      redis.call('ZREM', queue, token)
      redis.call('ZREM', expiry, token)
    end
    -- Unless the walk met no waiter, or stopped at one that stays queued, the queue may be empty now.
    if emptied or waits then drop_if_empty(queue, expiry) end
  end
end
return release_reply(released)
`,
);
