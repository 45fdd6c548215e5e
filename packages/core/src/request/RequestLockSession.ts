import { LockBusyError } from '../errors/LockBusyError.js';
import { LockLostError } from '../errors/LockLostError.js';
import { LockRedisError } from '../errors/LockRedisError.js';
import type { Lock } from '../Lock.js';
import { deriveKeys, hasRouteParams, unmountedKeyError, type DerivedKeys } from './deriveKeys.js';
import type { RequestKey } from './RequestLockOptions.js';
import { failureOutcome } from './failureOutcome.js';
import type { ProblemReply } from './problem.js';
import { keyErrorReply, lockLostReply } from './replies.js';
import { RequestLock } from './RequestLock.js';
import type { RequestLockOutcome } from './RequestLockOutcome.js';
import type { ReleasePolicy, RequestLockShared } from './RequestLockShared.js';

/** A store call may take this much longer than `wait` before the request gets 503 anyway, in ms. */
export const STORE_GRACE_MS = 5_000;

/**
 * One request's lock, from key derivation to the single release. The adapter creates it synchronously, wires
 * `responseDone` to the response's `finish`/`close` before any await, then calls `acquire`.
 */
export class RequestLockSession<Req> {
  readonly #shared: RequestLockShared<Req>;
  readonly #policy: ReleasePolicy;
  readonly #stopWaiting = new AbortController();
  /** Made when the handler reads `lock.signal`; most requests never do. */
  #end: AbortController | undefined;
  /** Why the request no longer holds its lock, once it does not; built only when someone asks. */
  #endReason: (() => unknown) | undefined;
  #waiting = false;
  #lock: Lock | undefined;
  #responseDone = false;
  #handlerDone = false;
  #released = false;
  #lostReply: ProblemReply | undefined;
  #onLost: ((reply: ProblemReply) => void) | undefined;
  #maxHold: NodeJS.Timeout | undefined;

  constructor(shared: RequestLockShared<Req>, policy: ReleasePolicy) {
    this.#shared = shared;
    this.#policy = policy;
  }

  /** The 503 answer owed when the lock was lost (or `maxHold` ran out) while the request held it. */
  get lostReply(): ProblemReply | undefined {
    return this.#lostReply;
  }

  /** Calls `listener` once if the lock is lost while the request holds it. */
  onLost(listener: (reply: ProblemReply) => void): void {
    this.#onLost = listener;
  }

  /**
   * Derives the key(s) and acquires. Rejects only with an error of the key function; every lock outcome
   * (busy, Redis down, bad key, client gone) resolves.
   */
  async acquire(request: Req, params: unknown): Promise<RequestLockOutcome> {
    const derived = await this.#derive(request, params);
    if (derived.type === 'skip') return { type: 'proceed', lock: undefined };
    if (derived.type === 'invalid') {
      if (derived.error.status === 500) this.#shared.misuse(derived.error);
      return { type: 'reply', reply: keyErrorReply(derived.error) };
    }
    if (this.#responseDone) return { type: 'gone' };
    let lock: Lock;
    try {
      lock = await this.#take(derived.keys);
    } catch (error) {
      if (this.#responseDone) return { type: 'gone' };
      return failureOutcome(error, derived.keys, this.#shared);
    }
    this.#shared.outage.recovered();
    return this.#granted(lock);
  }

  /**
   * The lock on `keys`: first one attempt, which needs no abort signal or guard timer (it is one round trip,
   * bounded by the locker's commandTimeout, and a grant that answers after the client left is released at
   * once); then, if that was refused and `wait` allows, a wait in the queue that the client's leaving aborts.
   */
  async #take(keys: readonly string[]): Promise<Lock> {
    const { config } = this.#shared;
    const ttl = config.ttl === undefined ? {} : { ttl: config.ttl };
    const began = performance.now();
    try {
      return await config.locker.acquire(keys, { ...ttl, wait: 0 });
    } catch (error) {
      if (!(error instanceof LockBusyError) || config.wait === 0 || this.#responseDone) throw error;
    }
    const wait = Number.isFinite(config.wait)
      ? Math.max(1, Math.ceil(config.wait - (performance.now() - began)))
      : config.wait;
    const guard = Number.isFinite(wait)
      ? setTimeout(
          () => this.#stopWaiting.abort(new LockRedisError('Redis did not answer in time')),
          wait + STORE_GRACE_MS,
        )
      : undefined;
    this.#waiting = true;
    try {
      return await config.locker.acquire(keys, { ...ttl, wait, signal: this.#stopWaiting.signal });
    } finally {
      this.#waiting = false;
      clearTimeout(guard);
    }
  }

  /** Runs the key function; a TypeError without route params is the `app.use` misuse (`ctx.params.id`). */
  async #derive(request: Req, params: unknown): Promise<DerivedKeys> {
    let answer: RequestKey;
    try {
      answer = await this.#shared.config.key(request);
    } catch (error) {
      if (!(error instanceof TypeError) || hasRouteParams(params)) throw error;
      return { type: 'invalid', error: unmountedKeyError(`function threw "${error.message}"`) };
    }
    return deriveKeys(answer, params);
  }

  /** The response finished or closed (client gone): stop waiting, release when the policy allows. */
  responseDone(): void {
    this.#responseDone = true;
    if (this.#waiting && !this.#stopWaiting.signal.aborted)
      this.#stopWaiting.abort(new Error('The response ended'));
    this.#releaseIfDone();
  }

  /** The handler completed (policy `response-and-handler`). */
  handlerDone(): void {
    this.#handlerDone = true;
    this.#releaseIfDone();
  }

  #granted(lock: Lock): RequestLockOutcome {
    this.#lock = lock;
    if (this.#responseDone) {
      this.#release();
      return { type: 'gone' };
    }
    lock.onLoss((error) => this.#lose(error));
    const { maxHold } = this.#shared.config;
    if (maxHold !== undefined) {
      this.#maxHold = setTimeout(() => {
        const cause = new Error(`The request held its lock longer than maxHold (${maxHold} ms)`);
        this.#lose(new LockLostError(lock.key, 'expired', { cause }));
        this.#release();
      }, maxHold);
    }
    return { type: 'proceed', lock: new RequestLock(lock, this) };
  }

  /** Aborts once the request no longer holds its lock (lost, `maxHold`, or released at the request's end). */
  get endSignal(): AbortSignal {
    if (!this.#end) {
      this.#end = new AbortController();
      if (this.#endReason) this.#end.abort(this.#endReason());
    }
    return this.#end.signal;
  }

  /** Whether the request no longer holds its lock. */
  get ended(): boolean {
    return this.#endReason !== undefined;
  }

  #finish(reason: () => unknown): void {
    if (this.#endReason) return;
    let made: unknown;
    this.#endReason = () => (made ??= reason());
    this.#end?.abort(this.#endReason());
  }

  #lose(reason: unknown): void {
    if (this.#released || this.#endReason) return;
    clearTimeout(this.#maxHold);
    this.#finish(() => reason);
    this.#lostReply = lockLostReply(this.#shared.config.retryAfter({ reason: 'unavailable', remaining: -1 }));
    this.#onLost?.(this.#lostReply);
  }

  #releaseIfDone(): void {
    if (this.#responseDone && (this.#policy === 'response' || this.#handlerDone)) this.#release();
  }

  #release(): void {
    const lock = this.#lock;
    if (lock === undefined || this.#released) return;
    this.#released = true;
    clearTimeout(this.#maxHold);
    this.#finish(() => {
      const cause = new Error('The request ended (response sent or client gone); the lock was released');
      return new LockLostError(lock.key, 'closed', { cause });
    });
    lock.release().then(undefined, (error: unknown) => {
      this.#shared.config.logger.warn(
        `deadbolt: releasing the lock on ${JSON.stringify(lock.key)} failed; it ends with its ttl.`,
        error,
      );
    });
  }
}
