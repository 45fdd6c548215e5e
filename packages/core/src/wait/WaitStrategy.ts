import type { LockTarget } from '../keys/target.js';

/** What a waiter knows between two attempts. */
export interface PauseRequest {
  readonly target: LockTarget;
  readonly token: string;
  /** Whether this waiter waits its turn (only a wake-up naming its token is for it). */
  readonly fair: boolean;
  /** Attempts made so far (1 after the first refusal). */
  readonly attempt: number;
  /** The holder's remaining lease from the last refusal, in ms; -1 when unknown. */
  readonly holderTtl: number;
  /** The longest this pause may last, in ms (the rest of `wait`, capped by the queue heartbeat). */
  readonly atMost: number;
  /** Aborts the pause: it then rejects with `signal.reason`. */
  readonly signal: AbortSignal;
  /**
   * Whether `signal` may abort other than by the locker's close (the caller passed a signal of its own). When
   * false a pause need not listen on it: the strategy's `close()` ends every pause, which then rejects.
   */
  readonly abortable: boolean;
}

/**
 * The waiting seam: decides when a refused acquire tries again. It resolves when the next attempt is worth
 * making (with the fence of a lock a release handed to this waiter, if one did) and rejects with
 * `signal.reason` when aborted.
 */
export interface WaitStrategy {
  /** Whether a release may hand this strategy's waiters the lock (they then learn it from a wake-up). */
  readonly handsOver: boolean;
  pause(request: PauseRequest): Promise<number | undefined>;
  /** Called after the locker's close aborted every signal: ends every pause in progress. */
  close(): void;
}

/** Fallback poll: capped exponential backoff with full jitter. */
export const BACKOFF_BASE_MS = 10;
/** Cap of the fallback poll, in ms. */
export const BACKOFF_CAP_MS = 500;

/** `random × min(cap, base × 2^attempt)`, never above the holder's remaining lease (+1 ms). */
export function backoffDelay(attempt: number, holderTtl: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.min(attempt, 16));
  const jittered = Math.max(1, Math.floor(random() * ceiling));
  return holderTtl >= 0 ? Math.min(jittered, holderTtl + 1) : jittered;
}
