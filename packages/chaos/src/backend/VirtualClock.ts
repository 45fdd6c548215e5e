import FakeTimers from '@sinonjs/fake-timers';

/**
 * Epoch of every run, in ms. Half a second before a whole second, so that ioredis-mock's `TIME`
 * (rounded seconds + fake `hrtime` microseconds) reads exactly `(Date.now() + 500) × 1000` µs and never runs back.
 */
export const VIRTUAL_EPOCH_MS = 1_000_000_000_000 - 500;

/** Only these are faked: faking nextTick, queueMicrotask or setImmediate would stall ioredis-mock. */
const FAKED = [
  'Date',
  'setTimeout',
  'clearTimeout',
  'setInterval',
  'clearInterval',
  'performance',
  'hrtime',
] as const;

type InstalledClock = ReturnType<ReturnType<typeof FakeTimers.withGlobal>['install']>;

/** Upper bound on timer firings in one `advance`, so a timer loop cannot hang the harness. */
const MAX_STEPS = 20_000;

/** Lets every pending promise reaction, nextTick and I/O callback run (setImmediate is never faked). */
export function flushMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * The reference clock of a run: fake timers installed on the global object for the run's duration. Time moves
 * only in {@link VirtualClock.advance}, timer by timer, letting the world settle after each one.
 *
 * @example
 * ```ts
 * const clock = VirtualClock.install()
 * try { await clock.advance(1_000, settle) } finally { clock.uninstall() }
 * ```
 */
export class VirtualClock {
  readonly #clock: InstalledClock;

  private constructor(clock: InstalledClock) {
    this.#clock = clock;
  }

  /** Installs fake timers on the global object, starting at {@link VIRTUAL_EPOCH_MS}. */
  static install(): VirtualClock {
    return new VirtualClock(
      FakeTimers.withGlobal(globalThis).install({ now: VIRTUAL_EPOCH_MS, toFake: [...FAKED] }),
    );
  }

  /** Reference time: ms since the run began. */
  now(): number {
    return this.#clock.now - VIRTUAL_EPOCH_MS;
  }

  /** Timers still pending. */
  countTimers(): number {
    return this.#clock.countTimers();
  }

  /**
   * Moves time forward by `ms`, firing timers in order; after each firing (and before the first) it awaits
   * `settle`, which delivers whatever the firing set in motion.
   */
  async advance(ms: number, settle: () => Promise<void>): Promise<void> {
    const target = this.#clock.now + Math.max(0, ms);
    await settle();
    for (let step = 0; step < MAX_STEPS; step += 1) {
      const next = this.#nextTimerAt();
      if (next === undefined || next > target) break;
      // Whole ms and at least 1, as Node clamps delays: fake-timers makes `setTimeout(fn, 0.6)` due at once, so a
      // loop re-arming such a timer would never let time pass.
      this.#clock.tick(Math.max(1, Math.ceil(next - this.#clock.now)));
      await settle();
    }
    if (target > this.#clock.now) this.#clock.tick(target - this.#clock.now);
    await settle();
  }

  /** Removes the fake timers; pending ones are dropped. */
  uninstall(): void {
    this.#clock.uninstall();
  }

  #nextTimerAt(): number | undefined {
    const timers = (this.#clock as unknown as { timers?: Map<number, { callAt: number }> }).timers;
    let next: number | undefined;
    for (const timer of timers?.values() ?? [])
      if (next === undefined || timer.callAt < next) next = timer.callAt;
    return next;
  }
}
