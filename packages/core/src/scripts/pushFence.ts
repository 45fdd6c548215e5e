import { derived } from './lua.js';

/**
 * Lua prologue of the quorum and multi-part scripts: raises every fence key of the lock to at least the lock's
 * fence, whether or not this node still holds the lease. ARGV ends with `…, fence ttl (ms), fence`; a fence of
 * 0 pushes nothing. A later grant on this node computes `max(last + 1, server time)` from the raised value, so
 * it is higher than the pushed fence no matter how this node's clock compares with the granting node's.
 */
export const PUSH_FENCE = `
local pushed_text, pushed_ttl = ARGV[#ARGV], ARGV[#ARGV - 1]
local pushed = tonumber(pushed_text) or 0
if pushed > 0 then
  for _, lease in ipairs(KEYS) do
    local fence_key = ${derived.fence('lease')}
    local current = tonumber(redis.call('GET', fence_key) or '0')
    if pushed >= current then redis.call('SET', fence_key, pushed_text, 'PX', pushed_ttl) end
  end
end
`;
