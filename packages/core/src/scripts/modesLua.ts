import { QUEUE_ENTRY_MS } from '../acquire/queueTiming.js';
import { KEY_SUFFIX } from '../keys/lockKeys.js';
import { derived, DROP_IF_EMPTY, ENTRY_EXPIRES } from './lua.js';

/**
 * Lua shared by the scripts of the counted modes: semaphore permits (`limit`) and read locks (`shared`). See
 * `mode.ts` for the model. A key held in a counted mode keeps its holders in `lease:holders`, a sorted set of
 * holder tokens scored by their lease deadline (server ms), and a marker in the lease itself: `~` and the
 * mode (`~s` for readers, `~4` for permits of a limit of 4), whose expiry is the latest holder deadline. The
 * mutex scripts see a lease they do not own and wait, unchanged; a token never starts with `~`.
 */

/** Lua expression of the holders set of the lease `lease` (a Lua variable name). */
export function holdersOf(lease: string): string {
  return `${lease} .. '${KEY_SUFFIX.holders}'`;
}

/**
 * `mode_of(token)`: a token's mode (`s`, a limit such as `4`), nil for an exclusive (mutex) token.
 * `key_state(lease, now)`: what holds the key after expired holders are dropped: the held mode (`!` for an
 * exclusive holder, nil when free), how many hold it, and the soonest a holder's lease ends (ms from now;
 * -1 when free). An expired marker set is deleted. Reads the soonest holder first and drops expired ones only
 * when it has expired: GET, ZRANGE, ZCARD on a key held in a counted mode.
 * `grantable(queue, expiry, now, held, count, self)`: the live waiters, from the head, that would be
 * granted now with `count` holders of mode `held`, in order (expired entries are dropped on the way): a run of
 * compatible waiters (readers together; permit waiters while permits are left), or one exclusive waiter when
 * the key is free. `self`, when not in the queue, stands at the tail. Returns the list and whether `self` is in
 * it; stops at `self` when `self` is given, at the first waiter refused, and as soon as no waiter could be
 * admitted any more (every permit given, or an exclusive one): it reads the scores of the waiters it grants and at
 * most one more, never the whole queue.
 * `newly_grantable(queue, expiry, now, held, count, after_held, after_count, leaving)`: in one walk from the head,
 * the waiters grantable with `after_count` holders of `after_held` (and without the waiter `leaving`) that were
 * not with `count` of `held`: those a release makes grantable. Fewer holders only lengthen the run granted from
 * the head, so these are the next ones after it (exactly as many as permits freed, or the run of readers behind
 * the last reader gone); the waiters grantable before were woken already, by the change that made them so. Once
 * the freed permits are given the walk stops without reading another entry. Also returns, by token, whether each
 * of them accepts a hand-over (its entry's expiry has the .5 mark), and whether the queue may be empty after
 * they leave it (false when the walk met no waiter, or stopped at one that stays queued).
 * `fits(held, count, mode)`: the one rule of the counted modes: whether a grant in `mode` fits beside `count`
 * holders of mode `held` (nil: none; `!`: an exclusive holder): readers beside readers; permits of one limit
 * while fewer than the limit are taken; nothing beside an exclusive holder or another mode.
 * `admitter(held, count)` and `each_waiter(queue, expiry, now, visit, open)` are their parts: the list of waiters
 * admitted, the admission rule, and whether any further waiter could be admitted; the live waiters in order, with
 * their entry's expiry, until `visit` returns false or `open` (asked before each entry is read) does (then false),
 * and whether the queue held any entry.
 */
export const MODES_WITHOUT_DROP = `
local function mode_of(token)
  return string.match(token, '~(%w+)$')
end
local function fits(held, count, mode)
  if held ~= nil and held ~= mode then return false end
  return mode == 's' or count < tonumber(mode)
end
local function key_state(lease, now)
  local value = redis.call('GET', lease)
  if not value then return nil, 0, -1 end
  if string.sub(value, 1, 1) ~= '~' then return '!', 1, redis.call('PTTL', lease) end
  local holders = ${holdersOf('lease')}
  local first = redis.call('ZRANGE', holders, 0, 0, 'WITHSCORES')
  if first[1] and tonumber(first[2]) <= now then
    redis.call('ZREMRANGEBYSCORE', holders, '-inf', now)
    first = redis.call('ZRANGE', holders, 0, 0, 'WITHSCORES')
  end
  if not first[1] then
    redis.call('DEL', lease, holders)
    return nil, 0, -1
  end
  return string.sub(value, 2), redis.call('ZCARD', holders), tonumber(first[2]) - now
end
local function admitter(held, count)
  local granted, run = {}, held
  local function admit(token)
    local mode = mode_of(token)
    if mode == nil then
      if count > 0 or #granted > 0 then return false end
      granted[#granted + 1] = token
      run, count = '!', 1
      return true
    end
    if not fits(run, count, mode) then return false end
    granted[#granted + 1] = token
    run, count = mode, count + 1
    return true
  end
  local function open()
    -- Some waiter could still be admitted: any, before the first; one of the same mode, while it fits.
    return run == nil or (run ~= '!' and fits(run, count, run))
  end
  return granted, admit, open
end
local function each_waiter(queue, expiry, now, visit, open)
  local index, seen = 0, false
  while true do
    local batch = redis.call('ZRANGE', queue, index, index + 15)
    if #batch == 0 then break end
    seen = true
    local dropped = 0
    for _, token in ipairs(batch) do
      if not open() then return false, true end
      local expires = entry_expires(expiry, token, now)
      if expires and expires > now then
        if not visit(token, expires) then return false, true end
      else
        redis.call('ZREM', queue, token)
        redis.call('ZREM', expiry, token)
        dropped = dropped + 1
      end
    end
    index = index + #batch - dropped
  end
  if seen then drop_if_empty(queue, expiry) end
  return true, seen
end
local function grantable(queue, expiry, now, held, count, self)
  local granted, admit, open = admitter(held, count)
  local mine = false
  local function visit(token)
    if not admit(token) then return false end
    mine = token == self
    return not mine
  end
  -- Walked to the end without meeting \`self\` (a first attempt, or an entry that expired): it stands at the tail.
  if each_waiter(queue, expiry, now, visit, open) then mine = self ~= nil and admit(self) end
  return granted, mine
end
local function newly_grantable(queue, expiry, now, held, count, after_held, after_count, leaving)
  local _, admit_before = admitter(held, count)
  local _, admit_after, open = admitter(after_held, after_count)
  local before = true
  local fresh, handable = {}, {}
  local walked, seen = each_waiter(queue, expiry, now, function(token, expires)
    if before then before = admit_before(token) end
    if token == leaving then return true end
    if not admit_after(token) then return false end
    if not before then
      fresh[#fresh + 1] = token
      handable[token] = expires % 1 ~= 0
    end
    return true
  end, open)
  return fresh, handable, walked and seen
end
`;

/**
 * {@link MODES_WITHOUT_DROP} with the `drop_if_empty` and `entry_expires` it calls: the Lua of the counted modes'
 * scripts.
 */
export const MODES = `${DROP_IF_EMPTY}${ENTRY_EXPIRES}${MODES_WITHOUT_DROP}`;

/**
 * `wake_grantable(flags, lease, index, now, held, count, after_held, after_count, leaving, own_tag, marked_until)`:
 * wakes the waiters of the key `lease` (number `index` of KEYS) that a change from `count` holders of `held` to
 * `after_count` of `after_held` (and `leaving` out of the queue) makes grantable (see `newly_grantable`). A woken
 * permit or read waiter that accepts a hand-over (the .5 mark) is granted its place first, as a mutex's release
 * hands its lease: with its next fence, a provisional deadline `QUEUE_ENTRY_MS` away (its renewal extends it), out
 * of the queue, told `token:fence` (see `tell_handed`). Other waiters are woken to make their own attempt.
 * `marked_until`, when the caller knows it: the latest holder deadline (server ms), which the marker and the
 * holders set live until; a hand-over whose deadline comes before it leaves them as they are, and without it the
 * latest deadline is read. Returns whether the queue may be empty now (see `newly_grantable`). Needs
 * {@link MODES}, `next_fence` and `tell_handed` (see `lua.ts`) defined before it.
 */
export const WAKE_GRANTABLE = `
local function wake_grantable(flags, lease, index, now, held, count, after_held, after_count, leaving, own_tag, marked_until)
  local holders, queue, expiry = ${holdersOf('lease')}, ${derived.queue('lease')}, ${derived.queueExpiry('lease')}
  local fresh, handable, walked = newly_grantable(queue, expiry, now, held, count, after_held, after_count, leaving)
  for _, waiter in ipairs(fresh) do
    local mode = mode_of(waiter)
    if mode and handable[waiter] then
      -- Hand-over: the waiter holds its place from now, provisionally, and leaves the queue.
      local fence = next_fence(${derived.fence('lease')}, ${QUEUE_ENTRY_MS})
      local deadline = now + ${QUEUE_ENTRY_MS}
      redis.call('ZADD', holders, deadline, waiter)
      if not marked_until or marked_until < deadline then
        -- The marker and the holders set live until the latest holder deadline.
        marked_until = marked_until and deadline
          or math.max(tonumber(redis.call('ZRANGE', holders, -1, -1, 'WITHSCORES')[2]), deadline)
        local last = math.max(marked_until - now, 1)
        redis.call('SET', lease, '~' .. mode, 'PX', last)
        redis.call('PEXPIRE', holders, last)
      end
      redis.call('ZREM', queue, waiter)
      redis.call('ZREM', expiry, waiter)
      -- A waiter in the releasing locker may be told by the reply (see parseRelease).
      tell_handed(flags, ${derived.channel('lease')}, waiter, fence, own_tag, index)
    else
      wake(flags, ${derived.channel('lease')}, waiter, waiter, false)
    end
  end
  return walked
end
`;
