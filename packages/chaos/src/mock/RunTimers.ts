import { AsyncLocalStorage } from 'node:async_hooks';
import { globalTimers } from './internals.js';

/** The run whose code runs now (its world's construction, its schedule's steps, and what they set in motion). */
const current = new AsyncLocalStorage<RunTimers>();

/**
 * The timers one run owns, told apart from the timers other code sets on the same (global, fake) clock while the
 * run goes on: a client an earlier test leaked that reconnects, another module's interval. Only the run's own
 * count for L4 ("timers still pending") and pace virtual time.
 *
 * A timer belongs to the run when it is set inside {@link RunTimers.run}, that is in the run's async context,
 * which Node carries through awaits, promise reactions, event callbacks of handles the run created, and (once
 * {@link RunTimers.wrapGlobals} has wrapped the fake timers) timer callbacks: a timer's callback runs in the context
 * that set it, as with real Node timers. Without that, fake timers fire every callback in the context of whoever
 * moves the clock (the run), and a leaked client's reconnect timer, fired on virtual time, would re-arm itself as
 * the run's. Foreign code stays foreign however the run's clock drives it; the run's code stays the run's.
 *
 * @example
 * ```ts
 * const timers = new RunTimers()
 * timers.wrapGlobals() // after installing the fake clock; its uninstall removes the wrappers
 * await timers.run(() => drive(world))
 * const leaked = timers.pending(clock.timers)
 * ```
 */
export class RunTimers {
  /** Ids of the timers set in the run's context (a fired timeout stays here; `pending` asks the clock). */
  readonly #ids = new Set<number>();

  /** Runs `fn` as the run's code: timers it (and what it awaits or sets in motion) sets are the run's. */
  run<T>(fn: () => T): T {
    return current.run(this, fn);
  }

  /** Whether timer `id` was set by the run. */
  owns(id: number): boolean {
    return this.#ids.has(id);
  }

  /** How many of the run's timers are still among the clock's pending `timers` (keyed by id). */
  pending(timers: ReadonlyMap<number, unknown> | undefined): number {
    let count = 0;
    for (const id of timers?.keys() ?? []) if (this.#ids.has(id)) count += 1;
    return count;
  }

  /**
   * Wraps the global (fake) `setTimeout` and `setInterval` so that each timer records whether the run set it and
   * fires its callback in the async context that set it. Install the fake clock first; uninstalling it restores
   * the real functions (and so removes these wrappers).
   */
  wrapGlobals(): void {
    const g = globalTimers();
    for (const name of ['setTimeout', 'setInterval'] as const) {
      const set = g[name];
      g[name] = (callback, ms, ...args) => {
        // Not a function: let the clock reject it as Node would.
        if (typeof callback !== 'function') return set(callback, ms, ...args);
        const owner = current.getStore();
        const fire = owner
          ? () => current.run(owner, () => callback(...args))
          : () => current.exit(() => callback(...args));
        const timer = set(fire, ms);
        if (owner === this) this.#ids.add(Number(timer));
        return timer;
      };
    }
  }
}
