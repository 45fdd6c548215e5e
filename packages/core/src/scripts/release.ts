import { defineScript } from '../redis/ScriptRunner.js';
import { NOW, QUEUE_HEAD } from './lua.js';

/**
 * Releases the keys this token holds and removes the token from their wait queues; serves both a release and
 * an acquire that gives up. When a key is free afterwards and someone waits, the first waiter's token is
 * published on that key's wake-up channel.
 *
 * ARGV: token, publish command ('PUBLISH' | 'SPUBLISH'), then one channel per key group.
 * Returns the number of keys that were still held by the token.
 */
export const RELEASE = defineScript(
  'release',
  `${NOW}${QUEUE_HEAD}
local token, publish = ARGV[1], ARGV[2]
local released, ms = 0, nil
for g = 0, #KEYS / 4 - 1 do
  local lease, queue, expiry = KEYS[g * 4 + 1], KEYS[g * 4 + 3], KEYS[g * 4 + 4]
  if redis.call('GET', lease) == token then
    redis.call('DEL', lease)
    released = released + 1
  end
  if redis.call('ZREM', queue, token) == 1 then
    redis.call('ZREM', expiry, token)
    drop_if_empty(queue, expiry)
  end
  if redis.call('EXISTS', lease) == 0 and redis.call('EXISTS', queue) == 1 then
    ms = ms or now_ms()
    local first = queue_head(queue, expiry, ms)
    if first then redis.call(publish, ARGV[g + 3], first) end
  end
end
return released
`,
);
