import { setMaxListeners } from 'node:events';
import type { LockBackend } from './backend/LockBackend.js';
import type { LockTarget } from './keys/target.js';
import { brand } from './brand.js';
import { acquireLoop, type AcquireContext, type AcquireOutcome } from './acquire/acquireLoop.js';
import type { AcquireConfig, LockerConfig } from './config/config.js';
import { resolveAcquireConfig } from './config/config.js';
import { LockBusyError } from './errors/LockBusyError.js';
import { LockConfigError } from './errors/LockConfigError.js';
import { LockRedisError } from './errors/LockRedisError.js';
import { TypedEmitter, type LockerEvents } from './events.js';
import { Lock } from './lease/Lock.js';
import type { LockHost } from './lease/LockHost.js';
import type { AcquireOptions } from './config/options.js';
import { MetricsRecorder, type LockerMetrics } from './metrics.js';
import { AbortScope } from './acquire/raceAbort.js';
import { TargetCache } from './keys/target.js';
import { TimerQueue } from './lease/TimerQueue.js';
import { ownerToken } from './keys/token.js';
import type { WaitStrategy } from './wait/WaitStrategy.js';

/** A key, or several keys locked together (all or none). */
export type LockKey = string | readonly string[];

/**
 * Grants locks on one topology. Made by {@link createLocker}; emits the {@link LockerEvents}. Branded (see
 * `isBranded` in `@deadbolt/core/validate`), so a locker from another copy of `@deadbolt/core` is accepted.
 *
 * @example
 * ```ts
 * const locker = createLocker(redis)
 * const total = await locker.using('order:42', async (lock) => charge(order, lock.fence))
 * ```
 */
export class Locker extends TypedEmitter<LockerEvents> {
  static {
    brand(this, 'Locker');
  }

  readonly #config: LockerConfig;
  readonly #backend: LockBackend;
  readonly #wait: WaitStrategy;
  readonly #held = new Set<Lock>();
  readonly #closing = new AbortController();
  readonly #host: LockHost;
  readonly #metrics = new MetricsRecorder();
  readonly #targets: TargetCache;
  /** Every held lock's renewal or deadline timer, on the locker's clock. */
  readonly #timers: TimerQueue;
  /** Shared by this locker's owner tokens: a release wakes this locker's waiter on a channel of its own. */
  readonly #tag: string;
  /** What every acquire shares (see `acquireLoop`). */
  readonly #context: AcquireContext;
  /** The signal of an acquire without a caller's signal: only the locker's close aborts it. */
  readonly #unlinked = new AbortScope([this.#closing.signal]);
  /** The acquire settings of a call without options, resolved once. */
  readonly #defaults: AcquireConfig;
  /** The settings of the frozen options objects acquires were given (see `#configOf`). */
  readonly #frozenOptions = new WeakMap<AcquireOptions, AcquireConfig>();

  /** @internal Use {@link createLocker}; `tag` starts the locker's owner tokens (see `newLockerTag`). */
  constructor(config: LockerConfig, backend: LockBackend, wait: WaitStrategy, tag: string) {
    super();
    this.#tag = tag;
    // Every pending acquire listens on the close signal; there is no fixed limit to how many may wait.
    setMaxListeners(0, this.#closing.signal);
    this.#config = config;
    this.#backend = backend;
    this.#wait = wait;
    this.#targets = new TargetCache(config.prefix);
    this.#defaults = resolveAcquireConfig(config);
    this.#timers = new TimerQueue(config.now, true);
    this.#host = {
      backend,
      config,
      events: this,
      timers: this.#timers,
      released: (key, fence, held, heldFor, wasLost) => {
        this.#metrics.released(heldFor, wasLost);
        if (this.listenerCount('released') > 0)
          super.emit('released', { key, fence, held, heldFor, wasLost });
      },
      forget: (lock) => this.#held.delete(lock),
      cleanup: (target, token) => this.#abandon(target, token),
    };
    this.#context = {
      backend,
      wait,
      driftFactor: config.driftFactor,
      now: config.now,
      abandon: (target, token) => this.#abandon(target, token),
      onWait: (target, holderTtl) => this.emit('waited', { key: target.keys[0] ?? '', holderTtl }),
    };
  }

  /**
   * Acquires the lock on `key` (or on every key of a list), waiting up to `wait` ms in arrival order.
   * With `limit` it takes one of N permits, with `shared` a read share (see {@link AcquireOptions}).
   * Rejects with `LockBusyError` when `wait` runs out, `signal.reason` when aborted, `LockConfigError` for bad
   * input (before any command is sent; `LockModeError` when the key's holders use another mode or limit),
   * `LockRedisError` when Redis fails, and with the `replicas` option `LockReplicationError` when too few replicas
   * acknowledged the grant (which is released, not returned).
   *
   * @example
   * ```ts
   * const lock = await locker.acquire('order:42', { ttl: 5_000, wait: 1_000 })
   * try { await work(lock.signal) } finally { await lock.release() }
   * const permit = await locker.acquire('export:tenant-7', { limit: 4 }) // one of 4 at once
   * const read = await locker.acquire('doc:9', { shared: true }) // readers together, writers alone
   * ```
   */
  acquire(key: LockKey, options?: AcquireOptions): Promise<Lock> {
    // Not async itself: one async frame (`#acquire`) per acquire, which throws the busy error.
    return this.#acquire(key, options, true);
  }

  /**
   * The settings of `options`: validated on every call, except for a frozen options object, which cannot change
   * and is validated once (a middleware passes the same frozen object to every acquire).
   */
  #configOf(options: AcquireOptions): AcquireConfig {
    let config = this.#frozenOptions.get(options);
    if (config === undefined) {
      config = resolveAcquireConfig(this.#config, options); // throws for anything but an object
      if (Object.isFrozen(options)) this.#frozenOptions.set(options, config);
    }
    return config;
  }

  /**
   * One attempt: the lock, or `null` when it is busy (or others wait ahead in fair mode).
   *
   * @example
   * ```ts
   * const lock = await locker.tryAcquire('report:daily')
   * if (!lock) return // someone else runs it
   * ```
   */
  tryAcquire(key: LockKey, options?: Omit<AcquireOptions, 'wait'>): Promise<Lock | null> {
    return this.#acquire(key, { ...options, wait: 0 }, false);
  }

  /**
   * Runs `routine` while holding the lock and releases it afterwards. Returns the routine's result or
   * rethrows its error, also when the release fails (reported as a `redisError` event).
   *
   * @example
   * ```ts
   * await locker.using('order:42', async (lock) => pay(order, { fence: lock.fence, signal: lock.signal }))
   * ```
   */
  async using<T>(
    key: LockKey,
    routine: (lock: Lock) => Promise<T> | T,
    options?: AcquireOptions,
  ): Promise<T> {
    const lock = await this.acquire(key, options);
    try {
      return await routine(lock);
    } finally {
      await lock[Symbol.asyncDispose]();
    }
  }

  /**
   * Counters and timings since the locker was created: cheap to read, constant memory.
   *
   * @example
   * ```ts
   * setInterval(() => exporter.observe(locker.metrics()), 10_000)
   * ```
   */
  metrics(): LockerMetrics {
    return this.#metrics.snapshot(this.#held.size);
  }

  /**
   * Every event is counted by {@link Locker.metrics}, whether or not anyone listens: here, except `acquired` and
   * `released`, which the locker counts where they happen and emits (with `super.emit`) only to listeners.
   */
  override emit<E extends keyof LockerEvents>(event: E, ...args: LockerEvents[E]): boolean {
    this.#metrics.record(event, args[0]);
    return super.emit(event, ...args);
  }

  /** Locks currently held through this locker. */
  get heldCount(): number {
    return this.#held.size;
  }

  /**
   * Stops every renewal, releases the held locks (their signals abort with `LockLostError`, reason `closed`)
   * and makes pending and later acquires reject with `LockRedisError` (a pending acquire whose command is in
   * flight once that command answers or times out; what it was granted is released). Does not disconnect your Redis client.
   */
  async close(): Promise<void> {
    if (this.#closing.signal.aborted) return;
    this.#closing.abort(new LockRedisError('The locker is closed'));
    this.#wait.close();
    const releases = [...this.#held].map((lock) => lock.lose('closed'));
    this.#timers.clear(); // every lock stopped its timer; this drops the Node timer too
    await Promise.all(releases);
  }

  /**
   * Acquires `key` with `options` (validated here, so that bad input rejects); when `wait` runs out, throws
   * `LockBusyError` if `busyThrows`, else resolves `null`. Not async: a grant of the first attempt is built in
   * the attempt's `then`, without an async frame; only the other outcomes go through {@link Locker.#settle}.
   */
  #acquire(key: LockKey, options: AcquireOptions | undefined, busyThrows: true): Promise<Lock>;
  #acquire(key: LockKey, options: AcquireOptions | undefined, busyThrows: boolean): Promise<Lock | null>;
  #acquire(key: LockKey, options: AcquireOptions | undefined, busyThrows: boolean): Promise<Lock | null> {
    let target: LockTarget;
    let config: AcquireConfig;
    try {
      target = this.#targets.get(key);
      config = options === undefined ? this.#defaults : this.#configOf(options);
      if (config.mode !== '' && this.#backend.supportsModes?.(target) !== true) {
        throw new LockConfigError(
          '"limit" and "shared" need a single Redis, or a Cluster lock whose keys share one slot; quorum locks and Cluster locks across slots support only the exclusive lock.',
        );
      }
    } catch (error) {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the validation's own error, as thrown
      return Promise.reject(error);
    }
    const token = ownerToken(this.#tag) + config.mode;
    const began = this.#config.now();
    const linked = config.signal ? new AbortScope([config.signal, this.#closing.signal]) : this.#unlinked;
    return acquireLoop(
      this.#context,
      target,
      token,
      config,
      linked,
      began,
      (outcome) =>
        outcome.granted && !linked.aborted
          ? this.#granted(target, token, config, outcome, began, linked)
          : this.#settle(target, token, config, outcome, began, linked, busyThrows),
      (error: unknown) => {
        linked.dispose();
        throw error;
      },
    );
  }

  /** An outcome other than a grant to return at once: busy (`null` or `LockBusyError`), or aborted meanwhile. */
  async #settle(
    target: LockTarget,
    token: string,
    config: AcquireConfig,
    outcome: AcquireOutcome,
    began: number,
    linked: AbortScope,
    busyThrows: boolean,
  ): Promise<Lock | null> {
    try {
      if (!outcome.granted) {
        const key = target.keys[0] ?? '';
        const waited = Math.round(outcome.at - began);
        this.emit('busy', { key, waited, holderTtl: outcome.holderTtl });
        if (busyThrows) throw new LockBusyError(key, outcome.holderTtl, waited);
        return null;
      }
      if (linked.aborted) {
        await this.#abandon(target, token);
        linked.throwIfAborted();
      }
      return this.#granted(target, token, config, outcome, began, linked);
    } finally {
      linked.dispose();
    }
  }

  /** The held lock of a granted `outcome`. */
  #granted(
    target: LockTarget,
    token: string,
    config: AcquireConfig,
    outcome: Extract<AcquireOutcome, { granted: true }>,
    began: number,
    linked: AbortScope,
  ): Lock {
    linked.dispose();
    const lock = new Lock(this.#host, {
      target,
      token,
      fence: outcome.fence,
      start: outcome.start,
      ttl: config.ttl,
      renew: config.renew,
      validFor: outcome.validFor,
      contended: outcome.attempts > 1 || outcome.validFor !== undefined,
    });
    this.#held.add(lock);
    // Counted here; the event's object is built only for listeners (see `emit`).
    const waited = Math.round(outcome.at - began);
    this.#metrics.acquired(waited);
    if (this.listenerCount('acquired') > 0) {
      super.emit('acquired', { key: lock.key, fence: lock.fence, waited, attempts: outcome.attempts });
    }
    return lock;
  }

  async #abandon(target: LockTarget, token: string): Promise<void> {
    try {
      await this.#backend.abandon(target, token);
    } catch (error) {
      this.emit('redisError', { key: target.keys[0] ?? '', error: error as Error });
      this.#config.logger?.warn('deadbolt: cleanup failed; the lease ends by its ttl', {
        key: target.keys[0],
        error,
      });
    }
  }
}
