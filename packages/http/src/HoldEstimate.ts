import type { Locker } from '@deadbolt/core';

/**
 * How long a request is assumed to hold its lock before any hold of the locker ended, in ms (the starting
 * `typicalHold` of `defaultRetryAfter`).
 *
 * @example
 * ```ts
 * defaultRetryAfter({ reason: 'busy', remaining: 9_000, typicalHold: INITIAL_HOLD_ESTIMATE_MS, inLine: 4 }) // 5
 * ```
 */
export const INITIAL_HOLD_ESTIMATE_MS = 1_000;

/** Weight of the newest hold in the moving estimate: the estimate follows a change within ~10 requests. */
const SMOOTHING = 0.2;

/**
 * What this process has seen of one locker's request locks: a moving estimate of how long a request holds its
 * lock, and how many requests are in line for each key right now. Shared by every middleware on the same
 * locker (see {@link holdEstimateOf}); memory is one number plus one entry per key being acquired.
 */
export class HoldEstimate {
  #typicalHold = INITIAL_HOLD_ESTIMATE_MS;
  #observed = false;
  /**
   * One key's line outside the map: while requests acquire one key at a time (no contention, the common case),
   * entering and leaving a line costs no map entry, whose table V8 would shrink and grow again every time.
   */
  #soloKey: string | undefined;
  #soloCount = 0;
  /** The lines of the other keys being acquired. */
  readonly #inLine = new Map<string, number>();

  /**
   * The exponentially weighted moving average of the holds that ended, in ms; {@link INITIAL_HOLD_ESTIMATE_MS}
   * before the first one.
   */
  get typicalHold(): number {
    return this.#typicalHold;
  }

  /** A request held its lock for `ms`. */
  observeHold(ms: number): void {
    this.#typicalHold = this.#observed ? this.#typicalHold + SMOOTHING * (ms - this.#typicalHold) : ms;
    this.#observed = true;
  }

  /** Requests of this process acquiring `key` (the first of their keys) right now. */
  inLine(key: string): number {
    return key === this.#soloKey ? this.#soloCount : (this.#inLine.get(key) ?? 0);
  }

  /** A request starts acquiring `key`. */
  enter(key: string): void {
    // A key is in one place: the solo slot is taken only while no other line is in the map.
    if (this.#soloKey === undefined && this.#inLine.size === 0) {
      this.#soloKey = key;
      this.#soloCount = 1;
    } else if (key === this.#soloKey) this.#soloCount += 1;
    else this.#inLine.set(key, (this.#inLine.get(key) ?? 0) + 1);
  }

  /** A request stopped acquiring `key` (granted, refused or gone). */
  leave(key: string): void {
    if (key === this.#soloKey) {
      this.#soloCount -= 1;
      if (this.#soloCount === 0) this.#soloKey = undefined;
      return;
    }
    const left = (this.#inLine.get(key) ?? 0) - 1;
    if (left > 0) this.#inLine.set(key, left);
    else this.#inLine.delete(key);
  }
}

const estimates = new WeakMap<Locker, HoldEstimate>();

/**
 * The one {@link HoldEstimate} of `locker` in this process.
 *
 * @example
 * ```ts
 * const estimate = holdEstimateOf(locker)
 * estimate.observeHold(180)
 * ```
 */
export function holdEstimateOf(locker: Locker): HoldEstimate {
  let estimate = estimates.get(locker);
  if (estimate === undefined) estimates.set(locker, (estimate = new HoldEstimate()));
  return estimate;
}
