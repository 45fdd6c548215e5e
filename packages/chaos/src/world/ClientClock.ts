/** A {@link ClientClock}'s parameters: its time is `anchorLocal + (reference − anchorRef) × rate`. */
export interface ClockState {
  readonly anchorRef: number;
  readonly anchorLocal: number;
  readonly rate: number;
}

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
  /** Called after every jump or rate change (to mirror the clock in a child process). */
  onChange: ((state: ClockState) => void) | undefined;

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
    this.onChange?.(this.state);
  }

  /** Makes the clock run at `rate` × real time from now on. */
  setRate(rate: number): void {
    this.#reanchor();
    this.#rate = rate;
    this.onChange?.(this.state);
  }

  /** The clock's parameters now. */
  get state(): ClockState {
    return { anchorRef: this.#anchorRef, anchorLocal: this.#anchorLocal, rate: this.#rate };
  }

  #reanchor(): void {
    this.#anchorLocal = this.now();
    this.#anchorRef = this.#reference();
  }
}
