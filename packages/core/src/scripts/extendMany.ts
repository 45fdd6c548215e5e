import { defineScript } from '../redis/ScriptRunner.js';
import { derived } from './lua.js';

/**
 * Extends many locks' leases in one call: each lock only if every one of its keys is still held by its token
 * (the same check as `EXTEND`, lock by lock). KEYS: the leases of every lock, lock after lock. ARGV: per lock,
 * four values: how many of KEYS are its leases, token, ttl (ms), fence ttl (ms). Returns a string of one
 * character per lock, in order: `1` when extended, `0` when any of its keys is no longer ours (a string, not a
 * table: ioredis-mock's Lua cannot return a table built element by element).
 */
export const EXTEND_MANY = defineScript(
  'extend many',
  `
local results = ''
local first = 1
for a = 1, #ARGV, 4 do
  local count, token = tonumber(ARGV[a]), ARGV[a + 1]
  local last = first + count - 1
  local ours = 1
  for k = first, last do
    if redis.call('GET', KEYS[k]) ~= token then ours = 0 break end
  end
  if ours == 1 then
    local ttl, fence_ttl = ARGV[a + 2], ARGV[a + 3]
    for k = first, last do
      local lease = KEYS[k]
      redis.call('PEXPIRE', lease, ttl)
      redis.call('PEXPIRE', ${derived.fence('lease')}, fence_ttl)
    end
  end
  results = results .. ours
  first = last + 1
end
return results
`,
);
