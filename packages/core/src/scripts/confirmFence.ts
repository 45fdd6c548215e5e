import { defineScript } from '../redis/Script.js';
import { PUSH_FENCE } from './pushFence.js';

/**
 * The second step of a multi-slot Cluster grant, on one slot: raises the slot's fence keys to the lock's fence
 * (see `PUSH_FENCE`), then tells whether this token still holds every lease here. Sent to every slot after all
 * of them granted and before the lock is returned, so a later grant of any of the keys counts up from the
 * lock's fence even when the holder never extends nor releases.
 * ARGV: token, fence ttl (ms), fence. Returns 1 when every key here is still held by the token, else 0.
 */
export const CONFIRM_FENCE = defineScript(
  'confirm-fence',
  `${PUSH_FENCE}
local token = ARGV[1]
for _, lease in ipairs(KEYS) do
  if redis.call('GET', lease) ~= token then return 0 end
end
return 1
`,
);
