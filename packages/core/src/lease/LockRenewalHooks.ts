import type { LockTarget } from '../keys/target.js';
import { driftFor } from '../config/config.js';
import type { LockLostReason } from '../errors/LockLostError.js';
import type { LockHost } from './LockHost.js';
import type { RenewalHooks } from './RenewalSchedule.js';

/** What the hooks read of their lock: its owner token and fence, and how to tell it it is lost. */
export interface RenewedLock {
  readonly key: string;
  readonly token: string;
  readonly fence: number;
  lose(reason: LockLostReason, cause?: unknown): Promise<void>;
}

/**
 * What a {@link RenewalSchedule} drives for one held lock: extends through the locker's backend, reports
 * renewals and failures as locker events, and reports a loss to the lock. One small object per lock (three
 * references: a process may hold 100 000 locks), its methods on the prototype (a lock is made on every grant,
 * and most are released long before their first renewal).
 */
export class LockRenewalHooks implements RenewalHooks {
  readonly #host: LockHost;
  readonly #target: LockTarget;
  readonly #lock: RenewedLock;

  constructor(host: LockHost, target: LockTarget, lock: RenewedLock) {
    this.#host = host;
    this.#target = target;
    this.#lock = lock;
  }

  now(): number {
    return this.#host.config.now();
  }

  drift(ttl: number): number {
    return driftFor(ttl, this.#host.config.driftFactor);
  }

  extend(ttl: number): Promise<boolean> {
    return this.#host.backend.extend(this.#target, this.#lock.token, ttl);
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
