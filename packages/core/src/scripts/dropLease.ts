import { defineScript } from '../redis/Script.js';
import { derived, NOW, QUEUE_HEAD, WAKE } from './lua.js';

/**
 * Undoes a partial grant after a failed quorum (or multi-slot) attempt: deletes the leases this token holds on
 * this node (KEYS: one lease per user key) but keeps its queue entries, since the waiter tries again. When a freed key has another waiter at
 * the head of its queue, that waiter's token is published on the key's channels (see `wake` in `lua.ts`).
 *
 * ARGV: token, flags: `s` publish with SPUBLISH (Cluster), as for `release`; a key's channel is its lease key +
 * `:wake`, as there.
 * Returns the number of leases deleted.
 */
export const DROP_LEASE = defineScript(
  'drop-lease',
  `${NOW}${QUEUE_HEAD}${WAKE}
local token, flags = ARGV[1], ARGV[2]
local dropped, ms = 0, nil
for _, lease in ipairs(KEYS) do
  local queue, expiry = ${derived.queue('lease')}, ${derived.queueExpiry('lease')}
  if redis.call('GET', lease) == token then
    redis.call('DEL', lease)
    dropped = dropped + 1
    if redis.call('EXISTS', queue) == 1 then
      ms = ms or now_ms()
      local first = queue_head(queue, expiry, ms)
      if first and first ~= token then wake(flags, ${derived.channel('lease')}, first, first, false) end
    end
  end
end
return dropped
`,
);
