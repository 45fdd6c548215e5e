import { defineScript } from '../redis/ScriptRunner.js';
import { NOW, QUEUE_HEAD, WAKE } from './lua.js';

/**
 * Undoes a partial grant after a failed quorum (or multi-slot) attempt: deletes the leases this token holds on
 * this node but keeps its queue entries, since the waiter tries again. When a freed key has another waiter at
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
for g = 0, #KEYS / 4 - 1 do
  local lease, queue, expiry = KEYS[g * 4 + 1], KEYS[g * 4 + 3], KEYS[g * 4 + 4]
  if redis.call('GET', lease) == token then
    redis.call('DEL', lease)
    dropped = dropped + 1
    if redis.call('EXISTS', queue) == 1 then
      ms = ms or now_ms()
      local first = queue_head(queue, expiry, ms)
      if first and first ~= token then wake(flags, lease .. ':wake', first, first, false) end
    end
  end
end
return dropped
`,
);
