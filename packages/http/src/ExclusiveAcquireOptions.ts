import type { AcquireOptions } from '@deadbolt/core';
import type { AcquireStop } from './AcquireStops.js';

/**
 * The options of one middleware's exclusive acquires, each built once and frozen: one object for the acquires
 * without a signal (`wait: 0`), and one per abort signal (the stops' controllers are pooled, so a few dozen
 * signals serve every request). Core's `acquire` validates a frozen options object once (see
 * `Locker.acquire`), so an uncontended request neither builds nor validates its options.
 *
 * @example
 * ```ts
 * const exclusive = new ExclusiveAcquireOptions(undefined, 5_000)
 * await locker.acquire('order:42', exclusive.of(stop)) // { wait: 5000, signal, interruptFirstAttempt: false }
 * ```
 */
export class ExclusiveAcquireOptions {
  readonly #ttl: number | undefined;
  readonly #wait: number;
  readonly #unsignalled: AcquireOptions;
  readonly #signalled = new WeakMap<AbortSignal, AcquireOptions>();

  /** @param ttl - the middleware's `ttl` (`undefined`: the locker's); @param wait - its `wait`, in ms. */
  constructor(ttl: number | undefined, wait: number) {
    this.#ttl = ttl;
    this.#wait = wait;
    this.#unsignalled = Object.freeze(ttl === undefined ? { wait } : { ttl, wait });
  }

  /**
   * The options of an acquire stopped by `stop`: its signal, which does not interrupt the first attempt (see
   * `takeLock`); without a stop, no signal.
   */
  of(stop: AcquireStop | undefined): AcquireOptions {
    if (stop === undefined) return this.#unsignalled;
    const { signal } = stop;
    let options = this.#signalled.get(signal);
    if (options === undefined) {
      const ttl = this.#ttl;
      const wait = this.#wait;
      // Literals rather than spreads: one shape per middleware, cheap for the locker to read.
      options = Object.freeze(
        ttl === undefined
          ? { wait, signal, interruptFirstAttempt: false }
          : { ttl, wait, signal, interruptFirstAttempt: false },
      );
      this.#signalled.set(signal, options);
    }
    return options;
  }
}
