import type { LockTarget } from './backend/LockBackend.js';
import { driftFor } from './config.js';
import type { LockLostReason } from './errors/LockLostError.js';
import type { LockHost } from './LockHost.js';
import type { RenewalHooks } from './RenewalSchedule.js';

/**
 * What a {@link RenewalSchedule} drives for one held lock: extends through the locker's backend, reports
 * renewals and failures as locker events, and reports a loss to the lock. One object per lock, its methods on
 * the prototype (a lock is made on every grant, and most are released long before their first renewal).
 */
export class LockRenewalHooks implements RenewalHooks {
  readonly #host: LockHost;
  readonly #target: LockTarget;
  readonly #token: string;
  readonly #fence: number;
  readonly #lost: (reason: LockLostReason, cause?: unknown) => void;

  constructor(
    host: LockHost,
    grant: { target: LockTarget; token: string; fence: number },
    lost: (reason: LockLostReason, cause?: unknown) => void,
  ) {
    this.#host = host;
    this.#target = grant.target;
    this.#token = grant.token;
    this.#fence = grant.fence;
    this.#lost = lost;
  }

  now(): number {
    return this.#host.config.now();
  }

  drift(ttl: number): number {
    return driftFor(ttl, this.#host.config.driftFactor);
  }

  extend(ttl: number): Promise<boolean> {
    return this.#host.backend.extend(this.#target, this.#token, ttl);
  }

  renewed(ttl: number): void {
    this.#host.events.emit('extended', { key: this.#key(), fence: this.#fence, ttl });
  }

  failed(error: Error): void {
    this.#host.events.emit('renewFailed', { key: this.#key(), fence: this.#fence, error });
  }

  lost(reason: LockLostReason, cause?: unknown): void {
    this.#lost(reason, cause);
  }

  #key(): string {
    return this.#target.keys[0] ?? '';
  }
}
