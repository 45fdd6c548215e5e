import { LockRedisError } from '@deadbolt/core';

/** Most unused abort controllers one middleware keeps for its next acquires. */
const POOLED_CONTROLLERS = 256;
/** Settled guards at the head of the line are dropped in bulk once this many have gathered. */
const COMPACT_AFTER = 1_024;

/**
 * What stops one request's acquire: the request ends (`abort`), or its guard runs out (Redis stalled past
 * `wait + STORE_GRACE_MS`: the signal aborts with a `LockRedisError`).
 *
 * @example
 * ```ts
 * const stop = stops.open()
 * response.once('close', () => stop.abort(new Error('The response ended')))
 * try { await locker.acquire(key, { wait, signal: stop.signal }) } finally { stops.close(stop) }
 * ```
 */
export interface AcquireStop {
  /** The signal to give the acquire. */
  readonly signal: AbortSignal;
  /** Aborts the acquire with `reason`; does nothing once the stop was closed. */
  abort(reason: unknown): void;
}

/** One open stop: its controller while open, and when its guard runs out (ms, `performance.now()`). */
class GuardedStop implements AcquireStop {
  /** The controller while the stop is open; `undefined` once closed. */
  controller: AbortController | undefined;
  readonly signal: AbortSignal;
  readonly at: number;

  constructor(controller: AbortController, at: number) {
    this.controller = controller;
    this.signal = controller.signal;
    this.at = at;
  }

  abort(reason: unknown): void {
    this.controller?.abort(reason);
  }
}

/**
 * The {@link AcquireStop}s of one middleware's acquires, made cheap for the common request whose acquire is
 * granted at once: an abort controller (whose signal costs microseconds to make) is reused by a later request
 * once an acquire settled without aborting it, and the guards share one Node timer instead of a `setTimeout`
 * each. Every guard of a middleware runs for the same `guardMs`, so guards run out in the order they were
 * armed: they wait in one line, and the timer is armed for the first guard still open. A closed guard stays
 * in the line (without its controller) until it reaches the head. The timer is unref'd: the request's socket
 * and the Redis connection keep the process alive while an acquire is pending.
 *
 * @example
 * ```ts
 * const stops = new AcquireStops(wait + STORE_GRACE_MS)
 * const stop = stops.open()
 * try { await locker.acquire(key, { wait, signal: stop.signal, interruptFirstAttempt: false }) } finally { stops.close(stop) }
 * ```
 */
export class AcquireStops {
  readonly #guardMs: number;
  readonly #pool: AbortController[] = [];
  readonly #line: GuardedStop[] = [];
  #head = 0;
  #timer: NodeJS.Timeout | undefined;
  readonly #expire = (): void => this.#runOut();

  /** @param guardMs - how long an acquire may run before its signal aborts; `Infinity`: no guard. */
  constructor(guardMs: number) {
    this.#guardMs = guardMs;
  }

  /** A stop for one acquire, its guard armed. */
  open(): AcquireStop {
    const stop = new GuardedStop(
      this.#pool.pop() ?? new AbortController(),
      performance.now() + this.#guardMs,
    );
    if (Number.isFinite(this.#guardMs)) {
      this.#dropClosedHead();
      this.#line.push(stop);
      if (this.#timer === undefined) this.#arm();
    }
    return stop;
  }

  /** The acquire settled: disarms the guard; a controller that never aborted serves a later acquire. */
  close(stop: AcquireStop): void {
    const guarded = stop as GuardedStop;
    const controller = guarded.controller;
    guarded.controller = undefined;
    if (controller !== undefined && !controller.signal.aborted && this.#pool.length < POOLED_CONTROLLERS) {
      this.#pool.push(controller);
    }
  }

  /** Open guards in the line (for tests). */
  get pending(): number {
    let open = 0;
    for (let index = this.#head; index < this.#line.length; index++) {
      if (this.#line[index]?.controller !== undefined) open += 1;
    }
    return open;
  }

  #dropClosedHead(): void {
    const line = this.#line;
    while (this.#head < line.length && line[this.#head]?.controller === undefined) this.#head += 1;
    if (this.#head === line.length) {
      line.length = 0;
      this.#head = 0;
    } else if (this.#head >= COMPACT_AFTER) {
      line.splice(0, this.#head);
      this.#head = 0;
    }
  }

  #arm(): void {
    const first = this.#line[this.#head];
    if (first === undefined) return;
    this.#timer = setTimeout(this.#expire, Math.max(0, first.at - performance.now()));
    this.#timer.unref();
  }

  #runOut(): void {
    this.#timer = undefined;
    const now = performance.now();
    for (;;) {
      this.#dropClosedHead();
      const first = this.#line[this.#head];
      if (first === undefined || first.at > now) break;
      this.#head += 1;
      first.abort(new LockRedisError('Redis did not answer in time'));
    }
    this.#arm();
  }
}
