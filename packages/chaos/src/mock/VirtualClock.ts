import FakeTimers from '@sinonjs/fake-timers';
import { pendingFakeTimers, type InstalledClock } from './internals.js';
import { RunTimers } from './RunTimers.js';

/**
 * Epoch of every run, in ms. Half a second before a whole second, so that ioredis-mock's `TIME`
 * (rounded seconds + fake `hrtime` microseconds) reads exactly `(Date.now() + 500) × 1000` µs and never runs back.
 */
export const VIRTUAL_EPOCH_MS = 1_000_000_000_000 - 500;

/** How far ioredis-mock's `TIME` (the clock of Lua scripts) reads ahead of `Date.now()` on virtual time, in ms. */
export const MOCK_TIME_AHEAD_MS = 500;

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

/** Upper bound on timer firings in one `advance`, so a timer loop cannot hang the harness. */
const MAX_STEPS = 20_000;

/** Lets every pending promise reaction, nextTick and I/O callback run (setImmediate is never faked). */
export function flushMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * The reference clock of a run: fake timers installed on the global object for the run's duration. Time moves
 * only in {@link VirtualClock.advance}, timer by timer (the run's timers), letting the world settle after each one.
 * The clock is global, so other code's timers land on it too while it is installed; only the timers set inside
 * {@link VirtualClock.run} are the run's (see {@link RunTimers}).
 *
 * @example
 * ```ts
 * const clock = VirtualClock.install()
 * try { await clock.run(() => clock.advance(1_000, settle)) } finally { clock.uninstall() }
 * ```
 */
export class VirtualClock {
  readonly #clock: InstalledClock;
  readonly #run = new RunTimers();

  private constructor(clock: InstalledClock) {
    this.#clock = clock;
    this.#run.wrapGlobals();
  }

  /** Installs fake timers on the global object, starting at {@link VIRTUAL_EPOCH_MS}. */
  static install(): VirtualClock {
    return new VirtualClock(
      FakeTimers.withGlobal(globalThis).install({ now: VIRTUAL_EPOCH_MS, toFake: [...FAKED] }),
    );
  }

  /** Runs `fn` as the run's code: the timers it sets (directly or through what it sets in motion) are the run's. */
  run<T>(fn: () => T): T {
    return this.#run.run(fn);
  }

  /** Reference time: ms since the run began. */
  now(): number {
    return this.#clock.now - VIRTUAL_EPOCH_MS;
  }

  /** The run's timers still pending (those other code set on the clock meanwhile are not counted). */
  countTimers(): number {
    return this.#run.pending(this.#timers());
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

  /** Removes the fake timers (and the run's wrappers around them); pending ones are dropped. */
  uninstall(): void {
    this.#clock.uninstall();
  }

  /** When the run's next timer is due; other code's timers fire on the way without pacing the run. */
  #nextTimerAt(): number | undefined {
    let next: number | undefined;
    for (const [id, timer] of this.#timers() ?? [])
      if (this.#run.owns(id) && (next === undefined || timer.callAt < next)) next = timer.callAt;
    return next;
  }

  #timers(): Map<number, { callAt: number }> | undefined {
    return pendingFakeTimers(this.#clock);
  }
}
