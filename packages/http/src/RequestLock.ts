import type { Lock } from '@deadbolt/core';

/**
 * The lock a request holds, as the middleware exposes it (`req.lock` in Express, `ctx.state.lock` in Koa).
 * The middleware releases it when the request ends; the handler never does.
 *
 * @example
 * ```ts
 * router.post('/orders/:id/pay', lockRequests({ locker, key }), async (req, res) => {
 *   await payments.charge(req.params.id, { fence: req.lock?.fence, signal: req.lock?.signal })
 *   res.json({ ok: true })
 * })
 * ```
 */
export class RequestLock {
  /** The user key (for several keys: the first in sorted order). */
  readonly key: string;
  /** All keys of this lock, sorted. */
  readonly keys: readonly string[];
  /** The owner token. */
  readonly token: string;
  /** The fencing token: strictly increases with every grant of this key. Pass it to the resource you guard. */
  readonly fence: number;
  /**
   * Aborts, with a `LockLostError` reason, as soon as the request can no longer trust that it holds the
   * lock: the lease was lost, `maxHold` ran out, or the middleware released it because the request ended
   * (response sent or client gone). A handler still running then should stop.
   */
  get signal(): AbortSignal {
    return this.#request.endSignal;
  }

  readonly #lock: Lock;
  readonly #request: { readonly endSignal: AbortSignal; readonly ended: boolean };

  /** Made by the middleware from the granted lock and the request's end signal. */
  constructor(lock: Lock, request: { readonly endSignal: AbortSignal; readonly ended: boolean }) {
    this.#lock = lock;
    this.key = lock.key;
    this.keys = lock.keys;
    this.token = lock.token;
    this.fence = lock.fence;
    this.#request = request;
  }

  /** When the trusted validity ends, on the locker's monotonic clock. */
  get deadline(): number {
    return this.#lock.deadline;
  }

  /** Whether the request still holds the lock. */
  get held(): boolean {
    return !this.#request.ended && this.#lock.held;
  }

  /** Milliseconds of trusted validity left; 0 once the request no longer holds the lock. */
  remaining(): number {
    return this.#request.ended ? 0 : this.#lock.remaining();
  }

  /** Extends the lease to `ttl` ms from now (default: the lock's ttl); see `Lock.extend`. */
  extend(ttl?: number): Promise<void> {
    return this.#lock.extend(ttl);
  }
}
