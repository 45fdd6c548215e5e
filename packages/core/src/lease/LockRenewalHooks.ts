import type { LockTarget } from '../keys/target.js';
import { driftFor } from '../config/config.js';
import type { LockLostReason } from '../errors/LockLostError.js';
import type { LockHost } from './LockHost.js';
import type { RenewalAnswers, RenewalHooks } from './RenewalSchedule.js';
import type { RenewalOutcome, RenewalRequest } from './RenewalBatcher.js';

/** What the hooks read of their lock: its owner token and fence, and how to tell it it is lost. */
export interface RenewedLock {
  readonly key: string;
  readonly token: string;
  readonly fence: number;
  lose(reason: LockLostReason, cause?: unknown): Promise<void>;
}

/**
 * What a {@link RenewalSchedule} drives for one held lock: extends through the locker's backend, reports
 * renewals and failures as locker events, and reports a loss to the lock. One small object per lock (a few
 * fields: a process may hold 100 000 locks), its methods on the prototype (a lock is made on every grant,
 * and most are released long before their first renewal). It is also the lock's {@link RenewalRequest}, sent
 * to the batch at every renewal (no record per renewal, nor per lock).
 */
export class LockRenewalHooks implements RenewalHooks, RenewalRequest {
  /** The ttl of the renewal in flight (or the last one). */
  ttl = 0;
  fenceMargin = 0;
  readonly #host: LockHost;
  readonly #target: LockTarget;
  readonly #lock: RenewedLock;
  /** Where the renewal in flight is answered (the schedule). */
  #to: RenewalAnswers | undefined;

  constructor(host: LockHost, target: LockTarget, lock: RenewedLock) {
    this.#host = host;
    this.#target = target;
    this.#lock = lock;
  }

  get target(): LockTarget {
    return this.#target;
  }

  get token(): string {
    return this.#lock.token;
  }

  now(): number {
    return this.#host.config.now();
  }

  drift(ttl: number): number {
    return driftFor(ttl, this.#host.config.driftFactor);
  }

  extend(ttl: number): Promise<boolean> {
    // Checked, as every explicit extend: it leaves the counter at least the margin a renewal's check leaves
    // (see `EXTEND_MANY`); its renewals count their margin again from their next check all the same.
    this.fenceMargin = 0;
    return this.#host.backend.extend(this.#target, this.#lock.token, ttl);
  }

  renewLater(ttl: number, to: RenewalAnswers): boolean {
    const backend = this.#host.backend;
    if (!backend.renewLater) return false;
    if (this.ttl !== ttl) {
      this.ttl = ttl;
      this.fenceMargin = 0;
    }
    this.#to = to;
    return backend.renewLater(this);
  }

  answered(outcome: RenewalOutcome): void {
    this.#to?.answered(outcome);
  }

  unanswered(error: unknown): void {
    this.#to?.failed(error);
  }

  renewed(ttl: number): void {
    this.#host.events.emit('extended', { key: this.#lock.key, fence: this.#lock.fence, ttl });
  }

  failed(error: Error): void {
    this.#host.events.emit('renewFailed', { key: this.#lock.key, fence: this.#lock.fence, error });
  }

  lost(reason: LockLostReason, cause?: unknown): void {
    void this.#lock.lose(reason, cause);
  }
}
