import { LockConfigError, LockLostError, type Lock } from '@deadbolt/core';
import { deriveKeys, hasRouteParams, unmountedKeyError, type DerivedKeys } from './deriveKeys.js';
import type { RequestKey } from './RequestLockOptions.js';
import { configFailure, failureOutcome } from './failureOutcome.js';
import type { ProblemReply } from './problem.js';
import { keyErrorReply, lockLostReply } from './replies.js';
import { RequestLock } from './RequestLock.js';
import type { RequestLockReceiver } from './RequestLockReceiver.js';
import { GONE_OUTCOME, PROCEED_UNLOCKED, type RequestLockOutcome } from './RequestLockOutcome.js';
import { afterEnd, DERIVING, GONE, UNLOCKED, type RequestLockPhase } from './RequestLockPhase.js';
import type { ReleasePolicy, RequestLockShared } from './RequestLockShared.js';
import { takeLock } from './takeLock.js';
import type { AcquireStop } from './AcquireStops.js';

/**
 * One request's lock, from key derivation to the single release: a state machine over one
 * {@link RequestLockPhase}. The adapter creates it synchronously, wires `responseDone` to the response's
 * `finish`/`close` before any await, then calls `acquire`.
 */
export class RequestLockSession<Req> {
  readonly #shared: RequestLockShared<Req>;
  readonly #policy: ReleasePolicy;
  #phase: RequestLockPhase = DERIVING;
  /** Made when the handler reads `lock.signal`; most requests never do. */
  #end: AbortController | undefined;
  /** The reason of a lock released at the request's end, once someone asked (see `#endReason`). */
  #closed: LockLostError | undefined;
  #onLost: ((reply: ProblemReply) => void) | undefined;
  /** The adapter's receiver and this request's context, with `start` (see {@link RequestLockReceiver}). */
  #receiver: RequestLockReceiver<unknown> | undefined;
  #context: unknown;
  /** The acquire in flight: its stop (kept here, since `responseDone` replaces the phase) and keys. */
  #stop: AcquireStop | undefined;
  #keys: readonly string[] = NO_KEYS;

  constructor(shared: RequestLockShared<Req>, policy: ReleasePolicy) {
    this.#shared = shared;
    this.#policy = policy;
  }

  /** The current phase (for adapters' diagnostics and tests). */
  get phase(): RequestLockPhase['name'] {
    return this.#phase.name;
  }

  /** The 503 answer owed when the lock was lost (or `maxHold` ran out) while the request held it. */
  get lostReply(): ProblemReply | undefined {
    const phase = this.#phase;
    return phase.name === 'lost' || phase.name === 'released' ? phase.reply : undefined;
  }

  /** Calls `listener` once if the lock is lost while the request holds it. */
  onLost(listener: (reply: ProblemReply) => void): void {
    this.#onLost = listener;
  }

  /**
   * Derives the key(s), acquires, and tells `receiver` (with `context`, this request's own values) the outcome;
   * `lost` if the lock is lost while held (instead of {@link onLost}). The callback form of {@link acquire}:
   * when the key function answers synchronously, the acquire's own callbacks tell the receiver, so an uncontended
   * request allocates no closure and no promise of its own for its outcome, which comes in the turn the grant
   * does. Never calls `receiver` synchronously.
   */
  start<Context>(
    request: Req,
    params: unknown,
    receiver: RequestLockReceiver<Context>,
    context: Context,
  ): void {
    this.#receiver = receiver;
    this.#context = context;
    let begun: Promise<Lock> | RequestLockOutcome;
    try {
      const derived = this.#derive(request, params);
      if (derived instanceof Promise) {
        this.#tell(derived.then((awaited) => this.#settled(request, awaited)));
        return;
      }
      begun = this.#begin(request, derived);
    } catch (error) {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the key function's own error
      this.#tell(Promise.reject(error));
      return;
    }
    if (isOutcome(begun)) this.#tell(Promise.resolve(begun));
    else {
      begun.then(
        (lock) => this.#deliverOrFail(lock, this.#taken),
        (error: unknown) => this.#deliverOrFail(error, this.#refused),
      );
    }
  }

  /** Tells the receiver the outcome `settled` resolves, or its rejection (a key, mode or limit function's error). */
  #tell(settled: Promise<RequestLockOutcome>): void {
    settled.then(
      (outcome) => this.#deliver(outcome),
      (error: unknown) => (this.#receiver as RequestLockReceiver<unknown>).failed(this.#context, error),
    );
  }

  /** Tells the receiver the outcome `settle(value)` works out, or what that throws. */
  #deliverOrFail<Value>(
    value: Value,
    settle: (this: RequestLockSession<Req>, value: Value) => RequestLockOutcome,
  ): void {
    let outcome: RequestLockOutcome;
    try {
      outcome = settle.call(this, value);
    } catch (thrown) {
      (this.#receiver as RequestLockReceiver<unknown>).failed(this.#context, thrown);
      return;
    }
    this.#deliver(outcome);
  }

  /** Tells the receiver `outcome`; what its handler throws goes to its `failed`. */
  #deliver(outcome: RequestLockOutcome): void {
    const receiver = this.#receiver as RequestLockReceiver<unknown>;
    try {
      receiver.outcome(this.#context, outcome);
    } catch (error) {
      receiver.failed(this.#context, error);
    }
  }

  /**
   * Derives the key(s) and acquires. Rejects only with an error thrown by the key, mode or limit function; every
   * lock outcome (busy, Redis down, bad key, misconfigured mode or limit, client gone) resolves. `params` are the
   * route params the framework matched, or a function that lists them, called with `request` only when a key looks
   * unmounted (see `hasRouteParams`): one function for every request, e.g. Hono's `(c) => c.req.param()`.
   */
  acquire(request: Req, params: unknown): Promise<RequestLockOutcome> {
    // Not async: an uncontended request reads its grant in one `then` (see `#settled`), without an async frame.
    try {
      const derived = this.#derive(request, params);
      return derived instanceof Promise
        ? derived.then((awaited) => this.#settled(request, awaited))
        : this.#settled(request, derived);
    } catch (error) {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the key function's own error
      return Promise.reject(error);
    }
  }

  /** The outcome of acquiring the derived keys; throws an error of the mode or limit function. */
  #settled(request: Req, derived: DerivedKeys): Promise<RequestLockOutcome> {
    const begun = this.#begin(request, derived);
    if (isOutcome(begun)) return Promise.resolve(begun);
    return begun.then(
      (lock) => this.#taken(lock),
      (error: unknown) => this.#refused(error),
    );
  }

  /**
   * Starts acquiring the derived keys (the acquire's promise), or answers without a lock (the outcome); throws an
   * error of the mode or limit function.
   */
  #begin(request: Req, derived: DerivedKeys): Promise<Lock> | RequestLockOutcome {
    if (this.#phase.name !== 'deriving') return GONE_OUTCOME;
    if (derived.type !== 'lock') {
      this.#phase = UNLOCKED;
      if (derived.type === 'skip') return PROCEED_UNLOCKED;
      if (derived.error.code === 'ERR_LOCK_KEY_UNMOUNTED') this.#shared.misuse(derived.error);
      return { type: 'reply', reply: keyErrorReply(derived.error) };
    }
    const { keys } = derived;
    const { wait, modeOf } = this.#shared.config;
    const mode = modeOf === undefined ? undefined : modeOf(request);
    if (mode instanceof LockConfigError) {
      this.#phase = UNLOCKED;
      return configFailure(mode, this.#shared);
    }
    const stop = wait === 0 ? undefined : this.#shared.stops.open();
    this.#phase = { name: 'acquiring', stop };
    this.#stop = stop;
    this.#keys = keys;
    // While it acquires, the request is in line for its first key (see `defaultRetryAfter`); it has left the
    // line when its own outcome is worked out (`#taken`, `#refused`).
    this.#shared.holds.enter(keys[0] ?? '');
    try {
      return takeLock(this.#shared.config, this.#shared.exclusive, keys, stop, mode);
    } catch (error) {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the acquire's own error
      return Promise.reject(error);
    }
  }

  /** The acquire granted `lock`: the request proceeds (or, gone meanwhile, releases it). */
  #taken(lock: Lock): RequestLockOutcome {
    const { stops, holds, outage } = this.#shared;
    if (this.#stop !== undefined) stops.close(this.#stop);
    holds.leave(this.#keys[0] ?? '');
    outage.recovered();
    return this.#granted(lock);
  }

  /** The acquire failed with `error` (busy, Redis down, aborted because the response ended, …). */
  #refused(error: unknown): RequestLockOutcome {
    this.#shared.holds.leave(this.#keys[0] ?? '');
    try {
      if (this.phase === 'gone') return GONE_OUTCOME; // the response ended while acquiring
      this.#phase = UNLOCKED;
      return failureOutcome(error, this.#keys, this.#shared);
    } finally {
      if (this.#stop !== undefined) this.#shared.stops.close(this.#stop); // after the phase left `acquiring`
    }
  }

  /**
   * Runs the key function, without a turn of the event loop when it answers synchronously; a TypeError without
   * route params is the `app.use` misuse (`ctx.params.id`).
   */
  #derive(request: Req, params: unknown): DerivedKeys | Promise<DerivedKeys> {
    const { config } = this.#shared;
    let answer: RequestKey | Promise<RequestKey>;
    try {
      answer = config.key(request);
    } catch (error) {
      return keyFunctionFailed(error, params, request);
    }
    if (!isThenable(answer)) return deriveKeys(answer, params, config, request);
    return Promise.resolve(answer).then(
      (awaited) => deriveKeys(awaited, params, config, request),
      (error: unknown) => keyFunctionFailed(error, params, request),
    );
  }

  /** The response finished or closed (client gone): stop waiting, release when the policy allows. */
  responseDone(): void {
    const phase = this.#phase;
    if (phase.name === 'deriving' || phase.name === 'acquiring') {
      this.#phase = GONE;
      if (phase.name === 'acquiring') phase.stop?.abort(new Error('The response ended'));
    } else if (phase.name === 'holding' || phase.name === 'lost') this.#ended(phase, 'response');
  }

  /** The handler completed (policy `response-and-handler`). */
  handlerDone(): void {
    const phase = this.#phase;
    if (phase.name === 'holding' || phase.name === 'lost') this.#ended(phase, 'handler');
  }

  #ended(phase: Extract<RequestLockPhase, { name: 'holding' | 'lost' }>, end: 'response' | 'handler'): void {
    const awaiting = afterEnd(phase.awaiting, end);
    if (awaiting === undefined) this.#release();
    // In place: the phase is the session's own, and one end of two is not worth a new object per request.
    else phase.awaiting = awaiting;
  }

  #granted(lock: Lock): RequestLockOutcome {
    if (this.#phase.name === 'gone') {
      this.#releaseLock(lock); // granted with `wait: 0` (no signal) after the response ended
      return GONE_OUTCOME;
    }
    const { maxHold } = this.#shared.config;
    this.#phase = {
      name: 'holding',
      lock,
      since: performance.now(),
      awaiting: this.#policy === 'response' ? 'response' : 'both',
      maxHold: maxHold === undefined ? undefined : setTimeout(() => this.#maxHoldRanOut(maxHold), maxHold),
    };
    lock.onLoss((error) => this.#lose(error));
    return { type: 'proceed', lock: new RequestLock(lock, this) };
  }

  /** Aborts once the request no longer holds its lock (lost, `maxHold`, or released at the request's end). */
  get endSignal(): AbortSignal {
    if (!this.#end) {
      this.#end = new AbortController();
      if (this.ended) this.#end.abort(this.#endReason());
    }
    return this.#end.signal;
  }

  /** Whether the request no longer holds its lock. */
  get ended(): boolean {
    const { name } = this.#phase;
    return name === 'lost' || name === 'released';
  }

  /**
   * Why the request no longer holds its lock, once it does not: the loss, or (released at the request's end) a
   * `LockLostError` with reason `closed`, built only when someone asks.
   */
  #endReason(): unknown {
    const phase = this.#phase;
    if (phase.name === 'lost' || (phase.name === 'released' && phase.lost)) return phase.reason;
    if (phase.name !== 'released') return undefined;
    const cause = new Error('The request ended (response sent or client gone); the lock was released');
    return (this.#closed ??= new LockLostError(phase.key, 'closed', { cause }));
  }

  #maxHoldRanOut(maxHold: number): void {
    if (this.#phase.name !== 'holding') return;
    const { lock } = this.#phase;
    const cause = new Error(`The request held its lock longer than maxHold (${maxHold} ms)`);
    this.#lose(new LockLostError(lock.key, 'expired', { cause }));
    this.#release();
  }

  #lose(reason: unknown): void {
    const phase = this.#phase;
    if (phase.name !== 'holding') return;
    clearTimeout(phase.maxHold);
    const reply = lockLostReply(this.#shared.config.retryAfter({ reason: 'unavailable', remaining: -1 }));
    const { lock, since, awaiting } = phase;
    this.#phase = { name: 'lost', lock, since, awaiting, reason, reply };
    this.#end?.abort(reason);
    if (this.#receiver !== undefined) this.#receiver.lost(this.#context, reply);
    else this.#onLost?.(reply);
  }

  #release(): void {
    const phase = this.#phase;
    if (phase.name !== 'holding' && phase.name !== 'lost') return;
    const { lock } = phase;
    if (phase.name === 'holding') clearTimeout(phase.maxHold);
    const lost = phase.name === 'lost';
    this.#phase = lost
      ? { name: 'released', key: lock.key, lost, reason: phase.reason, reply: phase.reply }
      : { name: 'released', key: lock.key, lost, reason: undefined, reply: undefined };
    this.#shared.holds.observeHold(performance.now() - phase.since);
    this.#end?.abort(this.#endReason());
    this.#releaseLock(lock);
    // Nothing is told after the release: the request's objects go with the receiver's context (`req.lock` may
    // keep this session reachable a while; see `Lock.release` in core for what that cost).
    this.#receiver = undefined;
    this.#context = undefined;
    this.#onLost = undefined;
  }

  #releaseLock(lock: Lock): void {
    lock.release().then(undefined, (error: unknown) => {
      this.#shared.config.logger.warn(
        `deadbolt: releasing the lock on ${JSON.stringify(lock.key)} failed; it ends with its ttl.`,
        error,
      );
    });
  }
}

const NO_KEYS: readonly string[] = [];

/** Whether `begun` is an outcome at once rather than the acquire's promise. */
function isOutcome(begun: Promise<Lock> | RequestLockOutcome): begun is RequestLockOutcome {
  return 'type' in begun;
}

/** A key function's error: rethrown, unless it is the TypeError of a key that reads route params under `app.use`. */
function keyFunctionFailed(error: unknown, params: unknown, request: unknown): DerivedKeys {
  if (!(error instanceof TypeError) || hasRouteParams(params, request)) throw error;
  return { type: 'invalid', error: unmountedKeyError(`function threw "${error.message}"`) };
}

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
