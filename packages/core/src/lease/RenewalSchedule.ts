import type { LockLostReason } from '../errors/LockLostError.js';
import type { QueuedTimer, TimerQueue } from './TimerQueue.js';

/** Shortest time between two renewals, in ms: a tiny ttl lapses (and says so) rather than spin. */
export const MIN_RENEW_INTERVAL_MS = 20;
/** Shortest pause before retrying a failed renewal, in ms. */
const MIN_RETRY_MS = 5;

/** The lock operations a {@link RenewalSchedule} drives. */
export interface RenewalHooks {
  now(): number;
  drift(ttl: number): number;
  /** One extend round trip; `false` = the lease is no longer ours. */
  extend(ttl: number): Promise<boolean>;
  renewed(ttl: number): void;
  failed(error: Error): void;
  lost(reason: LockLostReason, cause?: unknown): void;
}

/**
 * Keeps one lease's deadline and its single timer, in the locker's {@link TimerQueue}. The timer fires at the
 * next renewal point, or at the deadline when renewal is off, a renewal is in flight or the last one failed.
 * Reaching the deadline without a confirmed renewal reports the loss (once) even while Redis never answers.
 *
 * A renewal is due a period (a third of the validity) after the last one. With `align` (a locker whose backend
 * batches renewals), it is moved onto the nearest multiple of the period on the clock that lies between half
 * a period and one and a half periods after the last renewal, so leases of one ttl renew at the same moments
 * and share batches (once each lease renewed once, they all renew together). A failed renewal's retries are
 * never aligned. Either way at least half the validity is left for retries.
 */
export class RenewalSchedule {
  #ttl: number;
  #deadline: number;
  #renewAt: number;
  #timer: QueuedTimer | undefined;
  #inFlight = false;
  #stopped = false;
  readonly #hooks: RenewalHooks;
  readonly #renew: boolean;
  readonly #align: boolean;
  readonly #timers: TimerQueue;

  /**
   * `grant.validFor` (default `ttl`): how long the lease is trusted from `start` before the first renewal; a
   * lock handed over by a release holds a shorter provisional lease, which the first renewal extends to `ttl`.
   * `align` (default `false`): align renewals to multiples of the period, so that they batch (see above).
   */
  constructor(
    hooks: RenewalHooks,
    grant: { start: number; ttl: number; renew: boolean; validFor?: number | undefined },
    timers: TimerQueue,
    align = false,
  ) {
    this.#hooks = hooks;
    this.#timers = timers;
    this.#renew = grant.renew;
    this.#align = align;
    this.#ttl = grant.ttl;
    const validFor = grant.validFor ?? grant.ttl;
    this.#deadline = grant.start + validFor - hooks.drift(grant.ttl);
    this.#renewAt = this.#nextRenewal(grant.start, this.#period(validFor));
    this.#arm();
  }

  get ttl(): number {
    return this.#ttl;
  }

  get deadline(): number {
    return this.#deadline;
  }

  /** Stops the timer for good (release or loss). */
  stop(): void {
    this.#stopped = true;
    if (this.#timer) this.#timers.cancel(this.#timer);
    this.#timer = undefined;
  }

  /** An explicit `extend(ttl)`: one round trip now; errors propagate to the caller. */
  async extendNow(ttl: number): Promise<void> {
    const start = this.#hooks.now();
    const extended = await this.#hooks.extend(ttl);
    this.#confirm(extended, start, ttl);
  }

  #period(validFor = this.#ttl): number {
    return Math.max(MIN_RENEW_INTERVAL_MS, Math.floor((validFor - this.#hooks.drift(this.#ttl)) / 3));
  }

  /**
   * When to renew after a renewal (or grant) confirmed from `last`, due `due` ms later: then, or aligned to the
   * multiple of the regular period that lies in [last + due / 2, last + 1.5 × due) (none may, for a hand-over's
   * shorter first period: then unaligned).
   */
  #nextRenewal(last: number, due: number): number {
    const renewAt = last + due;
    if (!this.#align) return renewAt;
    const grid = this.#period();
    const down = Math.floor(renewAt / grid) * grid;
    if (down >= last + due / 2) return down;
    const up = down + grid;
    return up < last + 1.5 * due ? up : renewAt;
  }

  #arm(at = this.#renew && !this.#inFlight ? Math.min(this.#renewAt, this.#deadline) : this.#deadline): void {
    if (this.#stopped) return;
    if (this.#timer) this.#timers.cancel(this.#timer);
    this.#timer = this.#timers.add(at, RenewalSchedule.#fireSchedule, this);
  }

  /** The timers' callback, one function for every schedule (a closure per lock would cost its heap). */
  static #fireSchedule(this: RenewalSchedule): void {
    this.#fire();
  }

  #fire(): void {
    this.#timer = undefined;
    if (this.#stopped) return;
    if (this.#hooks.now() >= this.#deadline) {
      this.#hooks.lost('expired');
    } else if (this.#renew && !this.#inFlight) {
      void this.#renewOnce();
    } else {
      this.#arm();
    }
  }

  async #renewOnce(): Promise<void> {
    const start = this.#hooks.now();
    const ttl = this.#ttl;
    this.#inFlight = true;
    this.#arm();
    try {
      const extended = await this.#hooks.extend(ttl);
      this.#inFlight = false;
      this.#confirm(extended, start, ttl);
    } catch (error) {
      this.#inFlight = false;
      if (this.#stopped) return;
      this.#hooks.failed(error as Error);
      const left = this.#deadline - this.#hooks.now();
      const retryIn = Math.max(
        MIN_RETRY_MS,
        Math.floor(Math.min(this.#period(), left / 3) * (0.5 + Math.random() / 2)),
      );
      this.#renewAt = this.#hooks.now() + retryIn;
      this.#arm();
    }
  }

  #confirm(extended: boolean, start: number, ttl: number): void {
    if (this.#stopped) return;
    if (!extended) {
      this.#hooks.lost('stolen');
      return;
    }
    this.#ttl = ttl;
    this.#deadline = start + ttl - this.#hooks.drift(ttl);
    this.#renewAt = this.#nextRenewal(start, this.#period());
    this.#hooks.renewed(ttl);
    this.#arm();
  }
}
