import type { QueuedTimer, TimerQueue } from './TimerQueue.js';
import type { RenewalOutcome } from './RenewalBatcher.js';
import type { RenewalAnswers, RenewalHooks } from './RenewalHooks.js';
import { alignedRenewal, nextRenewalBlock } from './renewalGrid.js';

export type { RenewalAnswers, RenewalHooks } from './RenewalHooks.js';

/** Shortest time between two renewals, in ms: a tiny ttl lapses (and says so) rather than spin. */
export const MIN_RENEW_INTERVAL_MS = 20;
/** Shortest pause before retrying a failed renewal, in ms. */
const MIN_RETRY_MS = 5;

/**
 * Keeps one lease's deadline and its single timer, in the locker's {@link TimerQueue}. Its times are whole
 * milliseconds, rounded down (a deadline or a renewal point at most 1 ms early; a renewal's start, from which
 * its lease is counted, too): small integers, which V8 keeps in the object's fields, where a fraction would be
 * a new heap number at every renewal, living until the next one (promoted, and old-generation garbage: with
 * 100 000 held locks, most of the renewals' GC cost). The timer fires at the
 * next renewal point, or at the deadline when renewal is off, a renewal is in flight or the last one failed.
 * Reaching the deadline without a confirmed renewal reports the loss (once) even while Redis never answers.
 *
 * A renewal is due a period (a third of the validity) after the last one. With `align` (a locker whose backend
 * batches renewals), it is moved onto the nearest point of its slot's grid that lies between half a period
 * and one and a half periods after the last renewal, so leases of one ttl and slot renew at the same moments
 * and share batches. The grid of slot `s` of `n` is the multiples of the period shifted by `s / n` of it; `n`
 * grows with the timers in the queue (about 800 leases a slot, see `renewalGrid.ts`), so many held locks renew
 * a slot at a time, spread over the period. A lease takes its slot at its first confirmed renewal, a block of
 * `RENEWAL_BATCH_SIZE` consecutive first renewals to a slot (they were one batch: they stay one); until
 * then it is on slot 0. A failed renewal's retries are never aligned. Either way at least half the validity is
 * left for retries.
 */
export class RenewalSchedule implements RenewalAnswers {
  /** This lease's block of first renewals, or -1 before its first renewal (slot 0). */
  #block = -1;
  #ttl: number;
  #deadline: number;
  #renewAt: number;
  #timer: QueuedTimer | undefined;
  #inFlight = false;
  /** The renewal in flight: when it was sent, and the ttl it asked for. */
  #sentAt = 0;
  #sentTtl = 0;
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
    this.#deadline = Math.floor(grant.start + validFor - hooks.drift(grant.ttl));
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
    const start = Math.floor(this.#hooks.now());
    const extended = await this.#hooks.extend(ttl);
    this.#confirm(extended, start, ttl);
  }

  #period(validFor = this.#ttl): number {
    return Math.max(MIN_RENEW_INTERVAL_MS, Math.floor((validFor - this.#hooks.drift(this.#ttl)) / 3));
  }

  /** When to renew after a renewal (or grant) confirmed from `last`, due `due` ms later (see `alignedRenewal`). */
  #nextRenewal(last: number, due: number): number {
    if (!this.#align) return Math.floor(last + due);
    return alignedRenewal(last, due, this.#period(), this.#block, this.#timers);
  }

  #arm(at = this.#renew && !this.#inFlight ? Math.min(this.#renewAt, this.#deadline) : this.#deadline): void {
    if (this.#stopped) return;
    this.#timer = this.#timer
      ? this.#timers.reschedule(this.#timer, at)
      : this.#timers.add(at, RenewalSchedule.#fireSchedule, this);
  }

  /** The timers' callback, one function for every schedule (a closure per lock would cost its heap). */
  static #fireSchedule(this: RenewalSchedule): void {
    this.#fire();
  }

  #fire(): void {
    if (this.#stopped) return;
    if (this.#hooks.now() >= this.#deadline) {
      this.#hooks.lost('expired');
    } else if (this.#renew && !this.#inFlight) {
      this.#renewOnce();
    } else {
      this.#arm();
    }
  }

  /** Sends one renewal: batched without a promise where the hooks can, else as a promised extend. */
  #renewOnce(): void {
    this.#sentAt = Math.floor(this.#hooks.now());
    this.#sentTtl = this.#ttl;
    this.#inFlight = true;
    this.#arm();
    try {
      if (this.#hooks.renewLater?.(this.#sentTtl, this)) return;
      this.#hooks.extend(this.#sentTtl).then(
        (extended) => {
          this.answered(extended);
        },
        (error: unknown) => {
          this.failed(error);
        },
      );
    } catch (error) {
      this.failed(error);
    }
  }

  /** @internal The answer to the renewal in flight (see {@link RenewalAnswers}). */
  answered(outcome: RenewalOutcome): void {
    if (outcome instanceof Error) {
      this.failed(outcome);
      return;
    }
    this.#inFlight = false;
    try {
      this.#confirm(outcome, this.#sentAt, this.#sentTtl);
    } catch (error) {
      // A throwing `extended` listener: as if the renewal had failed (it is retried).
      this.failed(error);
    }
  }

  /** @internal The renewal in flight failed: reported, and retried after a pause (see {@link RenewalAnswers}). */
  failed(error: unknown): void {
    this.#inFlight = false;
    if (this.#stopped) return;
    this.#hooks.failed(error as Error);
    const left = this.#deadline - this.#hooks.now();
    const retryIn = Math.max(
      MIN_RETRY_MS,
      Math.floor(Math.min(this.#period(), left / 3) * (0.5 + Math.random() / 2)),
    );
    this.#renewAt = Math.floor(this.#hooks.now()) + retryIn;
    this.#arm();
  }

  #confirm(extended: boolean, start: number, ttl: number): void {
    if (this.#stopped) return;
    if (!extended) {
      this.#hooks.lost('stolen');
      return;
    }
    this.#ttl = ttl;
    if (this.#align && this.#block < 0) this.#block = nextRenewalBlock(this.#timers);
    this.#deadline = Math.floor(start + ttl - this.#hooks.drift(ttl));
    this.#renewAt = this.#nextRenewal(start, this.#period());
    this.#hooks.renewed(ttl);
    this.#arm();
  }
}
