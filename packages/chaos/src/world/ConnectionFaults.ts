/** The fault state of one client's connection, on the reference clock (absolute fake ms). */
export interface ConnectionFaults {
  /** Nothing is sent or delivered before this time (a paused process). */
  pausedUntil: number;
  /** Commands fail, unapplied, before this time (renewal failure, connection errors). */
  failUntil: number;
  /** The next `dropReplies` commands are applied but their replies are lost. */
  dropReplies: number;
  /** Replies are delayed by `latencyMs` before `latencyUntil`. */
  latencyUntil: number;
  latencyMs: number;
  /** Pub/sub messages are dropped before this time. */
  lostWakeupUntil: number;
  /** A crashed client sends and receives nothing, ever. */
  crashed: boolean;
  /**
   * Real Redis: runs once, when the next reply to a command (not a pub/sub message, not an error) comes back from
   * Redis, before the client sees it (`redisStallOnWait` stalls Redis right after a refused attempt with it).
   */
  afterReply?: (() => void) | undefined;
  /**
   * Real Redis (`dropInFlight`): the next command sent (not a subscription) reaches Redis, then its connection is
   * cut before the reply, and the client's reconnection is held for this many ms; runs once.
   */
  cutAfterRequest?: number | undefined;
}

/**
 * A client's fault state with no fault active.
 *
 * @example
 * ```ts
 * const faults = noFaults(); faults.dropReplies = 1
 * ```
 */
export function noFaults(): ConnectionFaults {
  return {
    pausedUntil: 0,
    failUntil: 0,
    dropReplies: 0,
    latencyUntil: 0,
    latencyMs: 0,
    lostWakeupUntil: 0,
    crashed: false,
  };
}
