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
  readonly #end = new AbortController();
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
    const { config } = this.#shared;
    const derived = await this.#derive(request, params);
    if (derived.type === 'skip') return { type: 'proceed', lock: undefined };
    if (derived.type === 'invalid') {
      if (derived.error.status === 500) this.#shared.misuse(derived.error);
      return { type: 'reply', reply: keyErrorReply(derived.error) };
    }
    if (this.#responseDone) return { type: 'gone' };
    const guard = Number.isFinite(config.wait)
      ? setTimeout(
          () => this.#stopWaiting.abort(new LockRedisError('Redis did not answer in time')),
          config.wait + STORE_GRACE_MS,
        )
      : undefined;
    let lock: Lock;
    try {
      lock = await config.locker.acquire(derived.keys, {
        wait: config.wait,
        signal: this.#stopWaiting.signal,
        ...(config.ttl === undefined ? {} : { ttl: config.ttl }),
      });
    } catch (error) {
      if (this.#responseDone) return { type: 'gone' };
      return failureOutcome(error, derived.keys, this.#shared);
    } finally {
      clearTimeout(guard);
    }
    this.#shared.outage.recovered();
    return this.#granted(lock);
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
    if (!this.#stopWaiting.signal.aborted) this.#stopWaiting.abort(new Error('The response ended'));
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
    if (lock.signal.aborted) this.#lose(lock.signal.reason);
    else lock.signal.addEventListener('abort', () => this.#lose(lock.signal.reason), { once: true });
    const { maxHold } = this.#shared.config;
    if (maxHold !== undefined) {
      this.#maxHold = setTimeout(() => {
        const cause = new Error(`The request held its lock longer than maxHold (${maxHold} ms)`);
        this.#lose(new LockLostError(lock.key, 'expired', { cause }));
        this.#release();
      }, maxHold);
    }
    return { type: 'proceed', lock: new RequestLock(lock, this.#end.signal) };
  }

  #lose(reason: unknown): void {
    if (this.#released || this.#end.signal.aborted) return;
    clearTimeout(this.#maxHold);
    this.#end.abort(reason);
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
    if (!this.#end.signal.aborted) {
      const cause = new Error('The request ended (response sent or client gone); the lock was released');
      this.#end.abort(new LockLostError(lock.key, 'closed', { cause }));
    }
    lock.release().then(undefined, (error: unknown) => {
      this.#shared.config.logger.warn(
        `deadbolt: releasing the lock on ${JSON.stringify(lock.key)} failed; it ends with its ttl.`,
        error,
      );
    });
  }
}
