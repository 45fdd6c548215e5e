import { defineScript } from '../redis/Script.js';
import { derived } from './lua.js';

/**
 * Extends the lease on every key of the lock (KEYS: one lease per user key), only if every key is still held
 * by this token.
 * ARGV: token, ttl (ms), fence ttl (ms). Returns 1 when extended, 0 when any key is no longer ours.
 */
export const EXTEND = defineScript(
  'extend',
  `
local token, ttl, fence_ttl = ARGV[1], ARGV[2], ARGV[3]
for _, lease in ipairs(KEYS) do
  if redis.call('GET', lease) ~= token then return 0 end
end
for _, lease in ipairs(KEYS) do
  redis.call('PEXPIRE', lease, ttl)
  redis.call('PEXPIRE', ${derived.fence('lease')}, fence_ttl)
end
return 1
`,
);
