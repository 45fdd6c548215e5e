import { LockRedisError } from '../errors/LockRedisError.js';
import { FENCE_COUNTER_MIN_MS, fenceTtl } from '../lease/fenceCounter.js';
import type { Renewal } from '../lease/RenewalBatcher.js';
import { defineScript } from '../redis/Script.js';
import { derived } from './lua.js';

/**
 * Extends many locks' leases (all of one ttl) in one call: each lock only if every one of its keys is still
 * held by its token (the same check as `EXTEND`, lock by lock). KEYS: the leases of every lock, lock after
 * lock. ARGV: ttl (ms), fence ttl (ms), a string of one character per lock (`1`: check its fence counters,
 * `0`: skip them), then the owner tokens as one string of one field per key in KEYS, in order, each field
 * ended by `,`: the lock's owner token for its first key, an empty field for each further key of the same
 * lock (an owner token is never empty and holds no `,`, see `ownerToken`; the same lock twice in a batch is
 * two locks here). One argument rather than one per key: ioredis encodes, and Redis parses, half the
 * arguments (a batch of 100 locks sends 104 rather than 203). Returns a string of one character per lock, in
 * order: `1` when extended, `0` when any of its keys is no longer ours (a string, not a table: ioredis-mock's
 * Lua cannot return a table built element by element; the string is joined once with `table.concat`, as
 * appending a character per lock would copy the string each time).
 *
 * A checked fence counter is pushed to the fence ttl only once less than the ttl plus half the fence ttl is
 * left of it (every few renewals rather than each): then it outlives the lease it fences by at least half the
 * fence ttl (so by at least {@link FENCE_MARGIN_MS}, as after `EXTEND`, which always pushes it), and a lookup
 * of its expiry costs Redis less than setting it. A renewal runs only while the lease lives, so it moves the
 * lease's end by at most its ttl past the old end: after a checked renewal, the renewals of the lock that
 * follow it on the connection may skip the check while their ttls add up to less than that margin (the
 * client counts them, see {@link extendManyCall}), and the counter still outlives the lease. Writes lost in a
 * failover can undo a check the client counted on; the next checked renewal restores the margin.
 */
export const EXTEND_MANY = defineScript(
  'extend many',
  `
local ttl, fence_ttl, checks, tokens = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local refresh_below = tonumber(ttl) + tonumber(fence_ttl) / 2
local results, count = {}, 0
local first, keys, at = 1, #KEYS, 1
while first <= keys do
  local stop = string.find(tokens, ',', at, true)
  local token = string.sub(tokens, at, stop - 1)
  at = stop + 1
  local last = first
  while last < keys and string.byte(tokens, at) == 44 do last = last + 1 at = at + 1 end
  local ours = 1
  for k = first, last do
    if redis.call('GET', KEYS[k]) ~= token then ours = 0 break end
  end
  count = count + 1
  if ours == 1 then
    local check = string.byte(checks, count) == 49
    for k = first, last do
      local lease = KEYS[k]
      redis.call('PEXPIRE', lease, ttl)
      if check then
        local fence = ${derived.fence('lease')}
        if redis.call('PTTL', fence) < refresh_below then redis.call('PEXPIRE', fence, fence_ttl) end
      end
    end
  end
  results[count] = ours
  first = last + 1
end
return table.concat(results)
`,
);

/** How much longer than its lease a fence counter lives after any check (half the shortest fence ttl), in ms. */
export const FENCE_MARGIN_MS = FENCE_COUNTER_MIN_MS / 2;

/** One `EXTEND_MANY` call: its KEYS and ARGV, and which leases' fence counters it checks. */
export interface ExtendManyCall {
  readonly keys: string[];
  readonly args: (string | number)[];
  /** The checks argument: `1` or `0` per lease. */
  readonly checks: string;
}

/**
 * The call renewing `batch` (leases of one ttl). A lease whose {@link Renewal.fenceMargin} exceeds the ttl skips
 * its fence check and spends the ttl of that margin (whatever the answer: a renewal that timed out may still
 * have run); any other lease is checked.
 */
export function extendManyCall(batch: readonly Renewal[], ttl: number): ExtendManyCall {
  const keys: string[] = [];
  // Joined once, each into one flat string (appending would make a rope that writing the command flattens).
  const checks: string[] = [];
  const tokens: string[] = [];
  for (const renewal of batch) {
    const margin = renewal.fenceMargin;
    if (margin !== undefined && margin > ttl) {
      renewal.fenceMargin = margin - ttl;
      checks.push('0');
    } else {
      checks.push('1');
    }
    const { leases } = renewal.target;
    // Every token here is a locker's own (`ownerToken`, plus a mode suffix): never empty, never a ','.
    const { token } = renewal;
    for (let index = 0; index < leases.length; index++) {
      keys.push(leases[index] as string);
      tokens.push(index === 0 ? token : '');
    }
  }
  tokens.push(''); // so that `join` ends every field with ','
  const checked = checks.join('');
  return { keys, args: [ttl, fenceTtl(ttl), checked, tokens.join(',')], checks: checked };
}

/** The character code of `1`. */
const ONE = 49;

/**
 * Reads `EXTEND_MANY`'s reply to `call`: a `1` or `0` per lease. A lease that was extended with its fence
 * counters checked has {@link FENCE_MARGIN_MS} of margin again (see {@link EXTEND_MANY}).
 * @throws on a reply of another shape.
 */
export function extendManyReply(reply: unknown, batch: readonly Renewal[], call: ExtendManyCall): boolean[] {
  const answers = Buffer.isBuffer(reply) ? reply.toString() : reply;
  const count = batch.length;
  if (typeof answers !== 'string' || answers.length !== count) {
    throw new LockRedisError(`Redis extend many answered ${String(reply)} for ${count} leases`);
  }
  const extended = new Array<boolean>(count);
  for (let index = 0; index < count; index++) {
    const ours = answers.charCodeAt(index) === ONE;
    extended[index] = ours;
    const renewal = batch[index] as Renewal;
    if (ours && renewal.fenceMargin !== undefined && call.checks.charCodeAt(index) === ONE) {
      renewal.fenceMargin = FENCE_MARGIN_MS;
    }
  }
  return extended;
}
