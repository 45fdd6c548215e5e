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
