import { defineScript } from '../redis/Script.js';
import { derived, NOW } from './lua.js';
import { holdersOf } from './modesLua.js';

/**
 * Extends this token's permit or read share on every key of the lock (KEYS: one lease per user key), only if
 * the token still holds every key (its holder entry exists with a deadline not yet passed, under its mode's
 * marker). ARGV: token, ttl (ms), fence ttl (ms). The marker and the holders set then live until the latest
 * holder deadline. Returns 1 when extended, 0 when any key is no longer held by the token.
 */
export const MODE_EXTEND = defineScript(
  'extend-mode',
  `${NOW}
local token, ttl, fence_ttl = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local marker = '~' .. string.match(token, '~(%w+)$')
local now = now_ms()
for _, lease in ipairs(KEYS) do
  local deadline = tonumber(redis.call('ZSCORE', ${holdersOf('lease')}, token))
  if not deadline or deadline <= now or redis.call('GET', lease) ~= marker then return 0 end
end
for _, lease in ipairs(KEYS) do
  local holders = ${holdersOf('lease')}
  redis.call('ZADD', holders, now + ttl, token)
  local last = math.max(tonumber(redis.call('ZRANGE', holders, -1, -1, 'WITHSCORES')[2]) - now, 1)
  redis.call('PEXPIRE', lease, last)
  redis.call('PEXPIRE', holders, last)
  redis.call('PEXPIRE', ${derived.fence('lease')}, fence_ttl)
end
return 1
`,
);
