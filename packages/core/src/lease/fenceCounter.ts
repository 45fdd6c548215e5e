/** The shortest life of a fence counter, in ms: a counter outlives its lease so a new holder's fence is higher. */
export const FENCE_COUNTER_MIN_MS = 60_000;

/**
 * How long a fence counter outlives the lease that wrote it, in ms: `max(2 × ttl, 60 s)`. The one home of this rule:
 * the scripts splice `fenceTtlLua`, the backends pass it as an argument, and the chaos adapter
 * reads it to know which keys may outlive their lease.
 *
 * @example
 * ```ts
 * fenceTtl(10_000) // 60_000
 * fenceTtl(45_000) // 90_000
 * ```
 */
export function fenceTtl(ttl: number): number {
  return Math.max(2 * ttl, FENCE_COUNTER_MIN_MS);
}

/**
 * {@link fenceTtl} as a Lua expression over the Lua expression `ttl` (a number), for the scripts.
 *
 * @example
 * ```ts
 * fenceTtlLua('tonumber(ttl)') // 'math.max(2 * tonumber(ttl), 60000)'
 * ```
 */
export function fenceTtlLua(ttl: string): string {
  return `math.max(2 * ${ttl}, ${String(FENCE_COUNTER_MIN_MS)})`;
}
