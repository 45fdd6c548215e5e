import type { AttemptResult, LockBackend, LockTarget } from './backend/LockBackend.js';
import type { AcquireConfig } from './config.js';
import { driftFor } from './config.js';
import { LockRedisError } from './errors/LockRedisError.js';
import { raceAbort } from './raceAbort.js';
import type { WaitStrategy } from './wait/WaitStrategy.js';

/** A waiter's queue entry lives this long without a new attempt, in ms: a dead waiter blocks no longer. */
export const QUEUE_ENTRY_MS = 1_500;
/** A waiter makes an attempt at least this often, in ms, which keeps its queue entry alive. */
export const HEARTBEAT_MS = 400;

/** Everything one acquire needs. */
export interface AcquireRun {
  readonly backend: LockBackend;
  readonly wait: WaitStrategy;
  readonly target: LockTarget;
  readonly token: string;
  readonly config: AcquireConfig;
  readonly driftFactor: number;
  readonly now: () => number;
  /** Aborts on the caller's signal or when the locker closes. */
  readonly signal: AbortSignal;
  /** Leaves the queue and releases a grant that will not be returned; resolves when done or failed. */
  readonly abandon: () => Promise<void>;
  /** Called once, when the first attempt is refused and the acquire starts waiting. */
  readonly onWait?: (holderTtl: number) => void;
}

/** How an acquire ended: a valid grant, or the lock stayed busy until `wait` ran out. */
export type AcquireOutcome =
  | {
      readonly granted: true;
      readonly fence: number;
      readonly start: number;
      readonly attempts: number;
      /** A lock handed over by a release holds a provisional lease: trusted for this long from `start`, in ms. */
      readonly validFor?: number;
    }
  | { readonly granted: false; readonly holderTtl: number; readonly attempts: number };

/**
 * Attempts until a grant whose validity (ttl − elapsed − drift, from before the attempt's first byte) is still
 * positive, or until `wait` runs out. Rejects with `signal.reason` when aborted and with `LockRedisError` when
 * Redis fails; in every case that returns no lock, nothing of this acquire stays in Redis (as far as Redis
 * can still be reached).
 */
export async function acquireLoop(run: AcquireRun): Promise<AcquireOutcome> {
  const { backend, config, now, signal } = run;
  const giveUpAt = now() + config.wait;
  const enqueue = config.wait > 0 ? QUEUE_ENTRY_MS : 0;
  const drift = driftFor(config.ttl, run.driftFactor);
  let attempts = 0;
  let touched = false;
  let queued = false;
  const untrack = config.wait > 0 ? run.wait.track(run.token) : undefined;
  // A release may grant the lock to a waiter of one key whose renewal will extend the provisional lease; not to
  // a waiter whose ttl is shorter than that lease, so a waiter that crashes holds the lock no longer than its ttl.
  const handOver =
    run.wait.handsOver &&
    config.fair &&
    config.renew &&
    config.ttl >= QUEUE_ENTRY_MS &&
    run.target.keys.length === 1;
  try {
    signal.throwIfAborted();
    for (;;) {
      attempts += 1;
      const start = now();
      touched = true;
      const attempt = backend.attempt({
        target: run.target,
        token: run.token,
        ttl: config.ttl,
        fair: config.fair,
        enqueue,
        queued,
        handOver,
      });
      // With a caller's signal an attempt in flight rejects the moment it aborts. Otherwise only the locker's
      // close can abort, and the attempt's answer (bounded by commandTimeout) is awaited first: no listener.
      const result: AttemptResult = await (config.signal ? raceAbort(attempt, signal) : attempt);
      let holderTtl = -1;
      if (result.granted) {
        if (now() < start + config.ttl - drift)
          return { granted: true, fence: result.fence, start, attempts };
        await run.abandon();
      } else {
        holderTtl = result.holderTtl;
        touched = enqueue > 0;
        queued ||= touched;
      }
      const left = giveUpAt - now();
      if (left <= 0) {
        if (touched) await run.abandon();
        return { granted: false, holderTtl, attempts };
      }
      if (attempts === 1) run.onWait?.(holderTtl);
      const handedFence = await run.wait.pause({
        target: run.target,
        token: run.token,
        fair: config.fair,
        attempt: attempts,
        holderTtl,
        atMost: Math.min(left, HEARTBEAT_MS),
        signal,
        abortable: config.signal !== undefined,
      });
      if (handedFence !== undefined) {
        // Handed over by a release that ran after this refused attempt began: trust the provisional lease
        // from that start. Too little left (a long pause): the next attempt finds the lease ours.
        if (now() < start + QUEUE_ENTRY_MS - drift)
          return { granted: true, fence: handedFence, start, attempts, validFor: QUEUE_ENTRY_MS };
      }
    }
  } catch (error) {
    // After a Redis failure the cleanup is sent but not awaited: the caller hears of the failure at once, and
    // the cleanup follows the failed command on the same connection (or fails fast while it is down).
    if (touched && error instanceof LockRedisError) void run.abandon();
    else if (touched) await run.abandon();
    throw error;
  } finally {
    untrack?.();
  }
}
