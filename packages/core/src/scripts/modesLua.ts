import { KEY_SUFFIX } from '../keys/lockKeys.js';
import { DROP_IF_EMPTY } from './lua.js';

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
 * -1 when free). An expired marker set is deleted.
 * `grantable(queue, expiry, now, held, count, self)`: the live waiters, from the head, that would be
 * granted now with `count` holders of mode `held`, in order (expired entries are dropped on the way): a run of
 * compatible waiters (readers together; permit waiters while permits are left), or one exclusive waiter when
 * the key is free. `self`, when not in the queue, stands at the tail. Returns the list and whether `self` is in
 * it; stops at `self` when `self` is given.
 */
export const MODES = `${DROP_IF_EMPTY}
local function mode_of(token)
  return string.match(token, '~(%w+)$')
end
local function key_state(lease, now)
  local value = redis.call('GET', lease)
  if not value then return nil, 0, -1 end
  if string.sub(value, 1, 1) ~= '~' then return '!', 1, redis.call('PTTL', lease) end
  local holders = ${holdersOf('lease')}
  redis.call('ZREMRANGEBYSCORE', holders, '-inf', now)
  local first = redis.call('ZRANGE', holders, 0, 0, 'WITHSCORES')
  if not first[1] then
    redis.call('DEL', lease, holders)
    return nil, 0, -1
  end
  return string.sub(value, 2), redis.call('ZCARD', holders), tonumber(first[2]) - now
end
local function grantable(queue, expiry, now, held, count, self)
  local granted, run = {}, held
  local function admit(token)
    local mode = mode_of(token)
    if mode == nil then
      if count > 0 or #granted > 0 then return false end
      granted[#granted + 1] = token
      run, count = '!', 1
      return true
    end
    if run ~= nil and run ~= mode then return false end
    if mode ~= 's' and count >= tonumber(mode) then return false end
    granted[#granted + 1] = token
    run, count = mode, count + 1
    return true
  end
  local index = 0
  while true do
    local batch = redis.call('ZRANGE', queue, index, index + 15)
    if #batch == 0 then break end
    local dropped = 0
    for _, token in ipairs(batch) do
      local expires = tonumber(redis.call('ZSCORE', expiry, token))
      if expires and expires > now then
        if not admit(token) then return granted, false end
        if token == self then return granted, true end
      else
        redis.call('ZREM', queue, token)
        redis.call('ZREM', expiry, token)
        dropped = dropped + 1
      end
    end
    index = index + #batch - dropped
  end
  drop_if_empty(queue, expiry)
  -- Not queued (a first attempt, or an entry that expired): \`self\` stands at the tail.
  return granted, self ~= nil and admit(self)
end
`;
