/** The shortest per-node timeout in quorum mode, in ms. */
export const MIN_NODE_TIMEOUT_MS = 100;

/**
 * How long one master may take to answer one quorum operation on a lease of `ttl` ms:
 * `min(commandTimeout, max(100, floor(ttl / 10)))`. A node that is slower counts as failed for that operation
 * (its command is not cancelled: it may still run, and is undone by the release that every failed attempt
 * sends). At most a tenth of the lease is spent waiting for a straggler, and only when the outcome depends on
 * it: a decision is made as soon as a majority agreed or can no longer agree.
 *
 * @example
 * ```ts
 * quorumNodeTimeout(10_000, 1_000) // 1000
 * quorumNodeTimeout(2_000, 1_000)  // 200
 * quorumNodeTimeout(300, 1_000)    // 100
 * ```
 */
export function quorumNodeTimeout(ttl: number, commandTimeout: number): number {
  return Math.min(commandTimeout, Math.max(MIN_NODE_TIMEOUT_MS, Math.floor(ttl / 10)));
}
