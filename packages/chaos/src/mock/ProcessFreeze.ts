import { AsyncLocalStorage } from 'node:async_hooks';
import { globalTimers } from './internals.js';

/** The simulated process whose code runs now (its lock's calls, timers and socket reads). */
const running = new AsyncLocalStorage<ProcessFreeze>();

/**
 * One simulated client process's event loop on virtual time, which a `waiterStall` can freeze (as a SIGSTOP or a
 * long synchronous block would): while frozen, none of its timers fire and none of its socket reads (replies,
 * pub/sub messages) are delivered. When it thaws, it runs as a Node process resumes: first the timers that came
 * due (the timers phase), then, one tick later, the reads buffered meanwhile, in arrival order (the poll phase);
 * so a fallback timer can start a new attempt before a message that arrived during the stall is read.
 *
 * Timers know their process through `AsyncLocalStorage`: {@link ProcessFreeze.installTimers} wraps the (fake)
 * global `setTimeout`/`setInterval`, and every operation the harness drives runs inside {@link ProcessFreeze.run}.
 *
 * @example
 * ```ts
 * const restore = ProcessFreeze.installTimers() // after the fake clock is installed
 * const gate = new ProcessFreeze()
 * gate.run(() => locker.acquire('k', { wait: 3_000 }))
 * gate.freeze(2_200)
 * ```
 */
export class ProcessFreeze {
  #until = 0;
  #timers: (() => void)[] = [];
  #reads: (() => void)[] = [];
  #thawing = false;

  /** Whether the process is frozen now (reference clock). */
  get frozen(): boolean {
    return Date.now() < this.#until;
  }

  /** Runs `fn` as this process's code: timers it (and what it awaits) sets belong to this process. */
  run<T>(fn: () => T): T {
    return running.run(this, fn);
  }

  /** Freezes the process for `ms` from now (a longer freeze already running wins). */
  freeze(ms: number): void {
    const until = Date.now() + ms;
    if (until <= this.#until) return;
    this.#until = until;
    running.exit(() => setTimeout(() => this.#thaw(), ms));
  }

  /** Delivers a socket read now, or buffers it (in order) while the process is frozen or thawing. */
  read(deliver: () => void): void {
    if (this.frozen || this.#thawing) this.#reads.push(() => this.run(deliver));
    else this.run(deliver);
  }

  #thaw(): void {
    if (this.frozen || this.#thawing) return;
    const timers = this.#timers;
    this.#timers = [];
    for (const fire of timers) fire();
    if (this.#reads.length === 0) return;
    this.#thawing = true;
    running.exit(() =>
      setTimeout(() => {
        this.#thawing = false;
        const reads = this.#reads;
        this.#reads = [];
        for (const deliver of reads) deliver();
      }, 0),
    );
  }

  /** Runs a timer callback of this process now, or keeps it for the thaw. */
  #fire(callback: () => void): void {
    if (this.frozen) this.#timers.push(() => this.run(callback));
    else this.run(callback);
  }

  /**
   * Wraps the global `setTimeout` and `setInterval` (install the fake clock first) so that a timer set by a
   * process's code fires in that process, or waits for its thaw; returns a function that unwraps them. Timers set
   * outside every process (the harness's own) are left as they are.
   */
  static installTimers(): () => void {
    const g = globalTimers();
    const original = { setTimeout: g.setTimeout, setInterval: g.setInterval };
    for (const name of ['setTimeout', 'setInterval'] as const) {
      const set = original[name];
      g[name] = (callback, ms, ...args) => {
        const process = running.getStore();
        if (!process) return set(callback, ms, ...args);
        return set(() => process.#fire(() => callback(...args)), ms);
      };
    }
    return () => Object.assign(g, original);
  }
}
