import type { LockTarget } from '../keys/target.js';
import { LockLostError, type LockLostReason } from '../errors/LockLostError.js';
import type { LockHost } from './LockHost.js';
import { LockRenewalHooks } from './LockRenewalHooks.js';
import { RenewalSchedule } from './RenewalSchedule.js';
import { ttlDuration } from '../config/validate.js';

/** What a new {@link Lock} is made of; built by the locker. */
export interface LockGrant {
  readonly target: LockTarget;
  readonly token: string;
  readonly fence: number;
  /** Monotonic time taken before the granting attempt's first byte. */
  readonly start: number;
  readonly ttl: number;
  readonly renew: boolean;
  /** A lock handed over by a release: its provisional lease is trusted for this long from `start`, in ms. */
  readonly validFor?: number | undefined;
  /** Whether the acquire had to wait: its release then probably wakes a waiter. */
  readonly contended: boolean;
}

/**
 * A held lock: a lease on one or more keys, with a fencing token, renewal and loss signalling.
 *
 * @example
 * ```ts
 * await using lock = await locker.acquire('order:42')
 * await db.update(order, { fence: lock.fence, signal: lock.signal })
 * ```
 */
export class Lock implements AsyncDisposable {
  /** The user key (for a multi-key lock: the first key in sorted order). */
  readonly key: string;
  /** All user keys of this lock, sorted. */
  readonly keys: readonly string[];
  /**
   * The unguessable owner id that Redis checks on extend and release: `tag.secret`, the locker's tag (8
   * characters, which routes wake-ups to its waiters) and 144 random bits from the OS CSPRNG (24 characters).
   */
  readonly token: string;
  /** The fencing token: strictly increases with every grant of this key. Pass it to the resource you guard. */
  readonly fence: number;

  readonly #host: LockHost;
  readonly #target: LockTarget;
  /** Made on first use of `signal`: most locks are released without anyone reading it. */
  #controller: AbortController | undefined;
  #lostWith: LockLostError | undefined;
  #lossListener: ((error: LockLostError) => void) | undefined;
  readonly #schedule: RenewalSchedule;
  #state: 'held' | 'released' | 'lost' = 'held';
  readonly #grantedAt: number;
  readonly #contended: boolean;

  /** @internal Built by the locker. */
  constructor(host: LockHost, grant: LockGrant) {
    this.#host = host;
    this.#contended = grant.contended;
    this.#grantedAt = grant.start;
    this.#target = grant.target;
    this.keys = grant.target.keys;
    this.key = this.keys[0] ?? '';
    this.token = grant.token;
    this.fence = grant.fence;
    this.#schedule = new RenewalSchedule(
      new LockRenewalHooks(host, grant.target, this),
      grant,
      host.timers,
      host.backend.batchesRenewals === true,
    );
  }

  /** Aborts with a {@link LockLostError} reason the moment this holder can no longer trust it holds the lock. */
  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#lostWith) this.#controller.abort(this.#lostWith);
    }
    return this.#controller.signal;
  }

  /** When the trusted validity ends, on the locker's monotonic clock (`performance.now()` by default). */
  get deadline(): number {
    return this.#schedule.deadline;
  }

  /** Whether the lock is still held: not released, not lost, and its validity has not run out. */
  get held(): boolean {
    return this.#state === 'held' && this.remaining() > 0;
  }

  /** Milliseconds of trusted validity left; 0 once released, lost or run out. */
  remaining(): number {
    return this.#state === 'held' ? Math.max(0, this.#schedule.deadline - this.#host.config.now()) : 0;
  }

  /**
   * Extends the lease to `ttl` ms from now (default: this lock's ttl) and keeps that ttl for later renewals.
   * Rejects with `LockLostError` when the lock is no longer held, `LockRedisError` when Redis fails, and with
   * the `replicas` option `LockReplicationError` when too few replicas acknowledged the extension.
   */
  async extend(ttl?: number): Promise<void> {
    const next = ttl === undefined ? this.#schedule.ttl : ttlDuration('ttl', ttl);
    this.#throwIfNotHeld();
    await this.#schedule.extendNow(next);
    this.#throwIfNotHeld();
  }

  /**
   * Releases the lock; resolves whether the lease was still held by this owner. Idempotent: later calls
   * resolve `false` without a round trip. Rejects with `LockRedisError` when Redis fails (the lease then ends
   * by its ttl); it never retries.
   */
  release(): Promise<boolean> {
    if (this.#state === 'released') return Promise.resolve(false);
    const wasLost = this.#state === 'lost';
    this.#state = 'released';
    // Never lost now: the listener goes. The lock may stay reachable a while, and the listener's closure (often
    // a whole request) would be promoted with it (~10 µs of GC per request in the middleware benchmark).
    this.#lossListener = undefined;
    this.#schedule.stop();
    this.#host.forget(this);
    // Not async: the release's own promise, read in one `then` (no async frame per lock); a backend that throws
    // instead of rejecting still rejects. The granting attempt already took this token out of every queue: no
    // queue clean-up needed.
    let sent: Promise<boolean>;
    try {
      sent = this.#host.backend.release(this.#target, this.token, false, this.#contended);
    } catch (error) {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the backend's own error, as thrown
      return Promise.reject(error);
    }
    return sent.then((held) => this.#released(held, wasLost));
  }

  /** Reports a release that Redis answered; `held`: whether the lease was still this owner's. */
  #released(held: boolean, wasLost: boolean): boolean {
    this.#host.released(this.key, this.fence, held, this.#heldFor(), wasLost);
    return held;
  }

  /** `await using lock = …` releases on scope exit; a failing release is reported as a `redisError` event. */
  async [Symbol.asyncDispose](): Promise<void> {
    try {
      await this.release();
    } catch (error) {
      this.#host.events.emit('redisError', { key: this.key, error: error as Error });
    }
  }

  /**
   * @internal Calls `listener` once if the lock is lost (at once if it already was; never once it was
   * released). Cheaper than a listener on `signal`, which would have to be created for it; one listener per
   * lock, dropped when the lock is released or lost.
   */
  onLoss(listener: (error: LockLostError) => void): void {
    if (this.#lostWith) listener(this.#lostWith);
    else if (this.#state === 'held') this.#lossListener = listener;
  }

  /**
   * @internal Marks the lock lost once: aborts `signal`, runs `onLockLost`, emits `lost`; when the locker is
   * closing, also releases the lease and resolves once that is done.
   */
  lose(reason: LockLostReason, cause?: unknown): Promise<void> {
    return this.#lose(reason, cause);
  }

  #lose(reason: LockLostReason, cause?: unknown): Promise<void> {
    if (this.#state !== 'held') return Promise.resolve();
    this.#state = 'lost';
    this.#schedule.stop();
    this.#host.forget(this);
    const error = new LockLostError(this.key, reason, cause === undefined ? undefined : { cause });
    this.#lostWith = error;
    this.#controller?.abort(error);
    const listener = this.#lossListener;
    this.#lossListener = undefined; // called once; not kept alive with the lock
    listener?.(error);
    this.#host.events.emit('lost', { key: this.key, fence: this.fence, error, heldFor: this.#heldFor() });
    this.#host.config.logger?.warn(`deadbolt: ${error.message}`, { key: this.key, fence: this.fence });
    try {
      this.#host.config.onLockLost?.(error, this);
    } catch (callbackError) {
      // A throwing callback must not break loss signalling; the signal and the event already fired.
      this.#host.config.logger?.error('deadbolt: onLockLost threw', { key: this.key, error: callbackError });
    }
    // Only a closing locker deletes the lease. After an expiry the lease is left to end by its ttl on the
    // server: deleting it could only cut short work the holder started while it still trusted the lock
    // (a client clock that jumped ahead makes the local deadline pass early, for example).
    return reason === 'closed' ? this.#host.cleanup(this.#target, this.token) : Promise.resolve();
  }

  #heldFor(): number {
    return Math.round(this.#host.config.now() - this.#grantedAt);
  }

  #throwIfNotHeld(): void {
    if (this.#state !== 'held') {
      throw this.#lostWith !== undefined ? this.#lostWith : new LockLostError(this.key, 'expired');
    }
  }
}
