import { QUEUE_ENTRY_MS } from '../acquire/queueTiming.js';
import { LockModeError } from '../errors/LockModeError.js';
import { defineScriptFamily } from '../redis/ScriptFamily.js';
import { flagCombinations } from './flagCombinations.js';
import { fenceTtlLua } from '../lease/fenceCounter.js';
import { derived, FENCE_OF_KEYS, joinQueues, NEXT_FENCE, NOW, refusal, WAKE } from './lua.js';
import { holdersOf, MODES } from './modesLua.js';

/**
 * The flags of a counted-mode attempt in their one spelling: `f` fair, `w` may wait, `s` SPUBLISH (Cluster), `h`
 * accepts a hand-over (only with `w`), `q` an earlier attempt of this acquire may have queued the token or a
 * release handed it a place (only with `w`; default on). Without `q` (an acquire's first attempt, whose token is
 * new) the attempt does not look for its token among the holders and the waiters.
 *
 * @example
 * ```ts
 * modeAttemptFlags(true, true, false, true) // 'fwhq'
 * modeAttemptFlags(true, true, false, true, false) // 'fwh'
 * ```
 */
export function modeAttemptFlags(
  fair: boolean,
  wait: boolean,
  sharded: boolean,
  handOver = false,
  queued = true,
): string {
  return (
    (fair ? 'f' : '') +
    (wait ? 'w' : '') +
    (sharded ? 's' : '') +
    (handOver && wait ? 'h' : '') +
    (queued && wait ? 'q' : '')
  );
}

/**
 * One attempt at a permit or a read share (the token's mode, see `config/mode.ts`) on every key of the lock (KEYS:
 * one lease per user key), all or none. ARGV: token, ttl (ms).
 *
 * Per key: expired holders are dropped; a holder of another mode (readers against permits, another limit)
 * refuses the attempt with a mode mismatch (`{0, held mode}`), never a silent change. In fair mode the
 * attempt is granted when its token is among the waiters that would be granted now (see `grantable` in
 * `modesLua.ts`): waiters are served in arrival order across modes, readers at the head together, a waiting
 * exclusive request blocks later readers; a key whose permits are all taken, or that an exclusive holder holds,
 * grants nobody, so the attempt is refused without reading the queue. Unfair attempts look at the holders only. A refused attempt that may
 * wait (`w`) joins every queue of the lock at the tail (entry lifetime `QUEUE_ENTRY_MS`) and returns
 * `-(holderTtl + 2)`, holderTtl being the soonest a blocking holder's lease ends (-1 when only the queue blocked).
 * With `h` (one key, renewal on, ttl ≥ `QUEUE_ENTRY_MS`, as the mutex) the entry's expiry carries the .5 mark: a
 * release of a permit or share may grant this waiter its freed place (see `modeRelease.ts`); the refusal then
 * returns `{-(holderTtl + 2), seen}`, `seen` being the key's fence counter (the server clock in µs when none
 * exists): a hand-over fenced above it came after this attempt. A token already among the live holders (handed
 * a place whose message it did not trust) is granted again, with a new fence. Only an attempt with `q` (a later
 * attempt of an acquire) looks for its token among the holders and the waiters: a first attempt's token is new.
 *
 * A grant takes the next fence of every key (the counter the mutex uses, so fences strictly increase across
 * modes), adds the token to the holders with its deadline, and sets the marker's expiry to the latest holder
 * deadline. When the key had no holder before, the grant also wakes the waiters behind it that are now
 * grantable (a mutex release wakes only the head; readers after it are granted too). Returns the fence.
 */
export const MODE_ACQUIRE = defineScriptFamily(
  'acquire-mode',
  [
    ...new Set(
      flagCombinations(['fair', 'wait', 'sharded', 'handOver', 'queued'] as const).map(
        ({ fair, wait, sharded, handOver, queued }) =>
          modeAttemptFlags(fair, wait, sharded, handOver, queued),
      ),
    ),
  ],
  (flags) => `${NOW}${NEXT_FENCE}${MODES}${WAKE}
local token, ttl, flags = ARGV[1], tonumber(ARGV[2]), '${flags}'
local fair, enqueue = ${flags.includes('f')}, ${flags.includes('w') ? QUEUE_ENTRY_MS : 0}
local hand_over = ${flags.includes('h') ? 0.5 : 0}
local again = ${flags.includes('q')}
local mode = mode_of(token)
local now = now_ms()
local holder_ttl, blocked, before = -1, false, {}
for index, lease in ipairs(KEYS) do
  local held, count, soonest = key_state(lease, now)
  if held and held ~= '!' and held ~= mode then return {0, held} end
  before[index] = count
  local mine
  if again and hand_over > 0 and held == mode and redis.call('ZSCORE', ${holdersOf('lease')}, token) then
    -- Handed a place by a release whose message this waiter did not trust: it holds it already.
    mine = true
  elseif held ~= nil and not fits(held, count, mode) then
    -- Every permit taken, or an exclusive holder: nobody is granted now, in either order.
    mine = false
  elseif fair then
    mine = select(2, grantable(${derived.queue('lease')}, ${derived.queueExpiry('lease')}, now, held, count, token))
  else
    mine = fits(held, count, mode)
  end
  if not mine then
    blocked = true
    if soonest > holder_ttl then holder_ttl = soonest end
  end
end
if blocked then
  if enqueue > 0 then
    ${joinQueues('now', 'again')}
  end
  ${
    flags.includes('h')
      ? `local seen = tonumber(redis.call('GET', ${derived.fence('KEYS[1]')})) or now_us()
  ${refusal(true)}`
      : refusal(false)
  }
end
${FENCE_OF_KEYS}
for index, lease in ipairs(KEYS) do
  local holders, queue, expiry = ${holdersOf('lease')}, ${derived.queue('lease')}, ${derived.queueExpiry('lease')}
  if #KEYS > 1 then
    redis.call('SET', ${derived.fence('lease')}, string.format('%.0f', fence), 'PX', ${fenceTtlLua('ttl')})
  end
  redis.call('ZADD', holders, now + ttl, token)
  local last = math.max(tonumber(redis.call('ZRANGE', holders, -1, -1, 'WITHSCORES')[2]) - now, 1)
  redis.call('SET', lease, '~' .. mode, 'PX', last)
  redis.call('PEXPIRE', holders, last)
  if redis.call('ZREM', queue, token) == 1 then
    redis.call('ZREM', expiry, token)
    drop_if_empty(queue, expiry)
  end
  if before[index] == 0 and redis.call('EXISTS', queue) == 1 then
    for _, waiter in ipairs((grantable(queue, expiry, now, mode, 1))) do
      wake(flags, ${derived.channel('lease')}, waiter, waiter, false)
    end
  end
end
return fence
`,
);

/**
 * Reads a counted-mode attempt's reply: the fence when granted, else the soonest a blocking holder's lease ends
 * (-1: only the queue blocked) and, for an attempt that accepts hand-overs, the fence counter it saw. Throws
 * {@link LockModeError} when the key is held in another mode (`{0, held mode}`).
 *
 * @example
 * ```ts
 * parseModeAttempt(1796171555799974, 'k', '~4') // { granted: true, fence: 1796171555799974 }
 * parseModeAttempt(-1502, 'k', '~4') // { granted: false, holderTtl: 1500 }
 * parseModeAttempt([-1502, '1796171555799974'], 'k', '~4') // { granted: false, holderTtl: 1500, seenFence: 1796171555799974 }
 * ```
 */
export function parseModeAttempt(
  reply: unknown,
  key: string,
  mode: string,
): { granted: true; fence: number } | { granted: false; holderTtl: number; seenFence?: number } {
  if (Array.isArray(reply)) {
    const [refusal, seen] = reply as [unknown, unknown];
    if (Number(refusal) === 0) throw new LockModeError(key, mode, `~${String(seen)}`);
    return { granted: false, holderTtl: -Number(refusal) - 2, seenFence: Number(seen) };
  }
  const value = Number(reply);
  return value > 0 ? { granted: true, fence: value } : { granted: false, holderTtl: -value - 2 };
}
