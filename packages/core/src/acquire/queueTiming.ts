/**
 * A waiter's queue entry lives this long without a new attempt, in ms: a dead waiter blocks no longer. A lock handed
 * over by a release is trusted for this long too (the provisional lease), and only waiters whose ttl is at least
 * this long are handed locks.
 *
 * @example
 * ```ts
 * const deadWaiterBound = QUEUE_ENTRY_MS + HEARTBEAT_MS // ≈ 1.9 s
 * ```
 */
export const QUEUE_ENTRY_MS = 1_500;

/**
 * A waiter makes an attempt at least this often, in ms, which keeps its queue entry alive.
 *
 * @example
 * ```ts
 * const deadWaiterBound = QUEUE_ENTRY_MS + HEARTBEAT_MS // ≈ 1.9 s
 * ```
 */
export const HEARTBEAT_MS = 400;

/**
 * How much further ahead than `QUEUE_ENTRY_MS` a queue entry's expiry may read on the server's clock before the
 * scripts take it for one written before the clock stepped back, and cut it back to `QUEUE_ENTRY_MS` from now, in
 * ms. Above the error of ioredis-mock's `TIME` (under 2 s), so the mock's jitter never cuts an entry.
 *
 * @example
 * ```ts
 * const deadWaiterBoundAfterBackwardStep = QUEUE_ENTRY_MS + CLOCK_STEP_TOLERANCE_MS + HEARTBEAT_MS // ≈ 6.9 s
 * ```
 */
export const CLOCK_STEP_TOLERANCE_MS = 5_000;
