/**
 * A client's monotonic clock derived from the reference clock, with an offset (jumps) and a rate (drift).
 *
 * @example
 * ```ts
 * const c = new ClientClock(() => clock.now()); c.jump(500); c.setRate(0.99)
 * ```
 */
export class ClientClock {
  readonly #reference: () => number;
  #anchorRef: number;
  #anchorLocal: number;
  #rate = 1;

  constructor(reference: () => number) {
    this.#reference = reference;
    this.#anchorRef = reference();
    this.#anchorLocal = this.#anchorRef;
  }

  /** The client's time in ms. */
  readonly now = (): number => this.#anchorLocal + (this.#reference() - this.#anchorRef) * this.#rate;

  /** How fast the clock runs relative to real time. */
  get rate(): number {
    return this.#rate;
  }

  /** Jumps the clock by `ms` (negative = backwards). */
  jump(ms: number): void {
    this.#reanchor();
    this.#anchorLocal += ms;
  }

  /** Makes the clock run at `rate` × real time from now on. */
  setRate(rate: number): void {
    this.#reanchor();
    this.#rate = rate;
  }

  #reanchor(): void {
    this.#anchorLocal = this.now();
    this.#anchorRef = this.#reference();
  }
}
