import { defineScript } from '../redis/ScriptRunner.js';

/**
 * Extends the lease on every key of the lock, only if every key is still held by this token.
 * ARGV: token, ttl (ms), fence ttl (ms). Returns 1 when extended, 0 when any key is no longer ours.
 */
export const EXTEND = defineScript(
  'extend',
  `
local token, ttl, fence_ttl = ARGV[1], ARGV[2], ARGV[3]
for g = 0, #KEYS / 4 - 1 do
  if redis.call('GET', KEYS[g * 4 + 1]) ~= token then return 0 end
end
for g = 0, #KEYS / 4 - 1 do
  redis.call('PEXPIRE', KEYS[g * 4 + 1], ttl)
  redis.call('PEXPIRE', KEYS[g * 4 + 2], fence_ttl)
end
return 1
`,
);
