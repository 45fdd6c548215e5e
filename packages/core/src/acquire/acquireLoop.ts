import type { AttemptRequest, AttemptResult, LockBackend } from '../backend/LockBackend.js';
import type { LockTarget } from '../keys/target.js';
import type { AcquireConfig } from '../config/config.js';
import { driftFor } from '../config/config.js';
import { LockRedisError } from '../errors/LockRedisError.js';
import { raceAbort, type AbortScope } from './raceAbort.js';
import { HEARTBEAT_MS, QUEUE_ENTRY_MS } from './queueTiming.js';
import type { WaitStrategy } from '../wait/WaitStrategy.js';

/** What every acquire of one locker shares: built once per locker, so an acquire allocates no closures. */
export interface AcquireContext {
  readonly backend: LockBackend;
  readonly wait: WaitStrategy;
  readonly driftFactor: number;
  readonly now: () => number;
  /** Leaves the queue and releases a grant that will not be returned; resolves when done or failed. */
  abandon(target: LockTarget, token: string): Promise<void>;
  /** Called once per acquire, when its first attempt is refused and it starts waiting. */
  onWait(target: LockTarget, holderTtl: number): void;
}

/** How an acquire ended: a valid grant, or the lock stayed busy until `wait` ran out. */
export type AcquireOutcome =
  | {
      readonly granted: true;
      readonly fence: number;
      /** When the granting attempt began (before its first byte), on the locker's clock. */
      readonly start: number;
      /** When the grant was known, on the locker's clock. */
      readonly at: number;
      readonly attempts: number;
      /** A lock handed over by a release holds a provisional lease: trusted for this long from `start`, in ms. */
      readonly validFor?: number;
    }
  | { readonly granted: false; readonly holderTtl: number; readonly at: number; readonly attempts: number };

/**
 * Attempts until a grant whose validity (ttl − elapsed − drift, from before the attempt's first byte) is still
 * positive, or until `wait` runs out. Rejects with `signal.reason` when aborted and with `LockRedisError` when
 * Redis fails; in every case that returns no lock, nothing of this acquire stays in Redis (as far as Redis
 * can still be reached).
 *
 * The first attempt, unless the caller's signal may interrupt it, is sent here and read without an async frame:
 * most acquires end with its grant, which goes to `settled` in that attempt's own `then` (no promise between
 * the answer and the caller's). Any other answer (refused, late, aborted meanwhile, failed) goes to the loop,
 * which takes that attempt as its first. The loop's outcome goes to `settled` too; its rejection to `failed`
 * (not `settled`'s own errors, which reject the promise as they are).
 */
export function acquireLoop<T>(
  context: AcquireContext,
  target: LockTarget,
  token: string,
  config: AcquireConfig,
  /** Aborts on the caller's signal or when the locker closes. */
  scope: AbortScope,
  /** When the acquire began, on the locker's clock: the first attempt starts then, and `wait` counts from it. */
  began: number,
  /** Makes the acquire's result of its outcome. */
  settled: (outcome: AcquireOutcome) => T | PromiseLike<T>,
  /** Sees the loop's rejection first; rethrows it. */
  failed: (error: unknown) => never,
): Promise<T> {
  if (scope.aborted || (config.signal !== undefined && config.interruptFirstAttempt)) {
    return attemptUntilDone(context, target, token, config, scope, began, undefined).then(settled, failed);
  }
  const first = context.backend.attempt(firstRequest(context, target, token, config));
  const drift = driftFor(config.ttl, context.driftFactor);
  const loop = (): Promise<T> =>
    attemptUntilDone(context, target, token, config, scope, began, first).then(settled, failed);
  return first.then((result) => {
    let outcome: AcquireOutcome | undefined;
    if (result.granted && (config.signal === undefined || !scope.aborted)) {
      try {
        outcome = grantInTime(result.fence, began, context.now(), 1, config.ttl, drift);
      } catch (error) {
        return failed(error); // the locker's clock threw: as a failure of the loop
      }
    }
    return outcome === undefined ? loop() : settled(outcome);
  }, loop);
}

/** What an acquire's first attempt asks (a later attempt may also have queued the token). */
function firstRequest(
  context: AcquireContext,
  target: LockTarget,
  token: string,
  config: AcquireConfig,
): AttemptRequest {
  return {
    target,
    token,
    ttl: config.ttl,
    fair: config.fair,
    wait: config.wait > 0,
    queued: false,
    // A release may grant the lock to a waiter of one key whose renewal will extend the provisional lease; not to
    // a waiter whose ttl is shorter than that lease, so a waiter that crashes holds the lock no longer than its ttl.
    handOver:
      context.wait.handsOver &&
      config.fair &&
      config.renew &&
      config.ttl >= QUEUE_ENTRY_MS &&
      target.keys.length === 1,
  };
}

/**
 * The granted outcome of an attempt that began at `start` and was answered at `at`, or `undefined` when its
 * validity had already run out (the grant must then be abandoned).
 */
function grantInTime(
  fence: number,
  start: number,
  at: number,
  attempts: number,
  ttl: number,
  drift: number,
): AcquireOutcome | undefined {
  if (at < start + ttl - drift) return { granted: true, fence, start, at, attempts };
  return undefined;
}

/** The loop of {@link acquireLoop}; its first attempt is `first` when that was already sent. */
async function attemptUntilDone(
  context: AcquireContext,
  target: LockTarget,
  token: string,
  config: AcquireConfig,
  scope: AbortScope,
  began: number,
  first: Promise<AttemptResult> | undefined,
): Promise<AcquireOutcome> {
  const { backend, now } = context;
  const giveUpAt = began + config.wait;
  const mayWait = config.wait > 0;
  const drift = driftFor(config.ttl, context.driftFactor);
  const request = firstRequest(context, target, token, config);
  let attempts = 0;
  let touched = false;
  let queued = false;
  try {
    // A `first` attempt was sent after this check; the loop's checks after an attempt cover it.
    if (first === undefined) scope.throwIfAborted();
    for (;;) {
      attempts += 1;
      const start = attempts === 1 ? began : now();
      touched = true;
      const attempt = attempts === 1 && first !== undefined ? first : backend.attempt({ ...request, queued });
      // With a caller's signal an attempt in flight rejects the moment it aborts (from the second attempt on when
      // `interruptFirstAttempt` is false). Otherwise only the locker's close can abort, and the attempt's answer
      // (bounded by commandTimeout) is awaited first: no listener.
      const raced = config.signal !== undefined && (attempts > 1 || config.interruptFirstAttempt);
      const result: AttemptResult = await (raced ? raceAbort(attempt, scope.signal) : attempt);
      if (!raced && config.signal !== undefined) scope.throwIfAborted();
      let holderTtl = -1;
      let seenFence: number | undefined;
      let at = now();
      if (result.granted) {
        const granted = grantInTime(result.fence, start, at, attempts, config.ttl, drift);
        if (granted !== undefined) return granted;
        await context.abandon(target, token);
        at = now();
      } else {
        holderTtl = result.holderTtl;
        seenFence = result.seenFence;
        touched = mayWait;
        queued ||= touched;
      }
      const left = giveUpAt - at;
      if (left <= 0) {
        if (touched) await context.abandon(target, token);
        return { granted: false, holderTtl, at: touched ? now() : at, attempts };
      }
      if (attempts === 1) context.onWait(target, holderTtl);
      const handedFence = await context.wait.pause({
        target,
        token,
        fair: config.fair,
        attempt: attempts,
        holderTtl,
        atMost: Math.min(left, HEARTBEAT_MS),
        signal: scope.signal,
        abortable: config.signal !== undefined,
      });
      if (handedFence !== undefined && isHandedAfter(seenFence, handedFence)) {
        // Handed over by a release that ran after this refused attempt (its fence is above every fence the
        // attempt saw), so after this attempt began: trust the provisional lease from that start. Too little
        // left (a long pause): the next attempt finds the lease ours.
        const at = now();
        if (at < start + QUEUE_ENTRY_MS - drift)
          return { granted: true, fence: handedFence, start, at, attempts, validFor: QUEUE_ENTRY_MS };
      }
      // Any other hand-over may be stale (one this waiter slept through, whose lease ran out and went to
      // another waiter before this attempt): a plain wake-up, and the next attempt asks Redis.
    }
  } catch (error) {
    // After a Redis failure the cleanup is sent but not awaited: the caller hears of the failure at once, and
    // the cleanup follows the failed command on the same connection (or fails fast while it is down).
    if (touched && error instanceof LockRedisError) void context.abandon(target, token);
    else if (touched) await context.abandon(target, token);
    throw error;
  }
}

/**
 * Whether a hand-over fenced `handedFence` came after the refused attempt that saw `seenFence`: fences of a key
 * strictly increase, so only a grant made after that attempt is fenced above it. Without a `seenFence` (the
 * backend does not report it) no hand-over is trusted.
 */
function isHandedAfter(seenFence: number | undefined, handedFence: number): boolean {
  return seenFence !== undefined && handedFence > seenFence;
}
