import { defineScript } from '../redis/ScriptRunner.js';
import { derived } from './lua.js';

/**
 * Extends many locks' leases (all of one ttl) in one call: each lock only if every one of its keys is still
 * held by its token (the same check as `EXTEND`, lock by lock). KEYS: the leases of every lock, lock after
 * lock. ARGV: ttl (ms), fence ttl (ms), then one value per key in KEYS, in order: the lock's owner token for
 * its first key, an empty string for each further key of the same lock (a token is never empty; the same lock
 * twice in a batch is two locks here). Returns a string of one character per lock, in
 * order: `1` when extended, `0` when any of its keys is no longer ours (a string, not a table: ioredis-mock's
 * Lua cannot return a table built element by element; the string is joined once with `table.concat`, as
 * appending a character per lock would copy the string each time).
 *
 * A fence counter is pushed to the fence ttl only once less than the ttl plus half the fence ttl is left of it
 * (every few renewals rather than each): then and after every renewal it outlives the lease it fences, and a
 * lookup of its expiry costs Redis less than setting it.
 */
export const EXTEND_MANY = defineScript(
  'extend many',
  `
local ttl, fence_ttl = ARGV[1], ARGV[2]
local refresh_below = tonumber(ttl) + tonumber(fence_ttl) / 2
local results, count = {}, 0
local first, keys = 1, #KEYS
while first <= keys do
  local token = ARGV[first + 2]
  local last = first
  while last < keys and ARGV[last + 3] == '' do last = last + 1 end
  local ours = 1
  for k = first, last do
    if redis.call('GET', KEYS[k]) ~= token then ours = 0 break end
  end
  if ours == 1 then
    for k = first, last do
      local lease = KEYS[k]
      redis.call('PEXPIRE', lease, ttl)
      local fence = ${derived.fence('lease')}
      if redis.call('PTTL', fence) < refresh_below then redis.call('PEXPIRE', fence, fence_ttl) end
    end
  end
  count = count + 1
  results[count] = ours
  first = last + 1
end
return table.concat(results)
`,
);
