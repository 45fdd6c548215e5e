/** A callback waiting in a {@link TimerQueue}; `cancel()` it through the queue. */
export interface QueuedTimer {
  /** When it runs, on the queue's clock. */
  readonly at: number;
}

interface Entry extends QueuedTimer {
  at: number;
  readonly run: (this: unknown) => void;
  /** `this` of `run`. */
  readonly receiver: unknown;
  /** Position in the heap, or {@link DUE}, or {@link DONE}. */
  index: number;
}

/** The entry left the heap to run in the current firing. */
const DUE = -2;
/** The entry ran or was cancelled. */
const DONE = -1;
/**
 * Most callbacks one firing runs; the rest run on the next firing, a timer turn later, so that I/O is served
 * in between. 100 000 held locks whose renewals are aligned fall due at one moment: run at once, they would
 * hold the event loop for the better part of a second.
 */
export const MAX_RUN_PER_FIRING = 1_000;

/**
 * Many timers on one Node timer: each callback runs once its time has come on the queue's clock, earliest
 * first. Adding and cancelling cost a heap step each and touch the Node timer only when the earliest time
 * moves earlier, which is what makes a timer per lock and per command affordable on the hot path (Node's own
 * `setTimeout` + `clearTimeout` build and tear down a timer list each time the last timer of a duration goes).
 * A cancelled earliest entry leaves the Node timer armed; it fires, finds nothing due and re-arms for the next.
 * The Node timer is unref'd: pending entries never keep the process alive by themselves.
 *
 * @example
 * ```ts
 * const timers = new TimerQueue(() => performance.now())
 * const renewal = timers.add(performance.now() + 3_000, () => renew())
 * timers.cancel(renewal)
 * ```
 */
export class TimerQueue {
  readonly #now: () => number;
  readonly #heap: Entry[] = [];
  #timer: NodeJS.Timeout | undefined;
  /** When the Node timer fires, on the queue's clock; Infinity while none is armed. */
  #armedAt = Number.POSITIVE_INFINITY;

  /** @param now - the clock that `at` is measured on (ms, monotonic). */
  constructor(now: () => number) {
    this.#now = now;
  }

  /** The queue's clock. */
  now(): number {
    return this.#now();
  }

  /** Entries waiting to run. */
  get size(): number {
    return this.#heap.length;
  }

  /**
   * Runs `run` once `now() ≥ at`, with `receiver` as its `this` (so a caller with many timers can pass one
   * shared function rather than a closure per timer); returns the handle that {@link TimerQueue.cancel} takes.
   */
  add<T>(at: number, run: (this: T) => void, receiver?: T): QueuedTimer {
    const entry: Entry = { at, run: run as (this: unknown) => void, receiver, index: this.#heap.length };
    this.#heap.push(entry);
    this.#siftUp(entry.index);
    if (at < this.#armedAt) this.#arm(at);
    return entry;
  }

  /**
   * Moves `timer` to run at `at` (its callback and receiver unchanged) and returns it: a timer waiting in the
   * queue moves in place, one that ran or was cancelled (or is due in the current firing and has not run yet)
   * joins the queue again. No allocation: one timer per held lock moves twice per renewal.
   */
  reschedule(timer: QueuedTimer, at: number): QueuedTimer {
    const entry = timer as Entry;
    const earlier = at < entry.at;
    entry.at = at;
    if (entry.index >= 0) {
      if (earlier) this.#siftUp(entry.index);
      else this.#siftDown(entry.index);
    } else {
      // Ran, cancelled or due: a due one left in the current firing's list is skipped there (its index moved).
      entry.index = this.#heap.length;
      this.#heap.push(entry);
      this.#siftUp(entry.index);
    }
    if (at < this.#armedAt) this.#arm(at);
    return entry;
  }

  /** Drops a timer that has not run yet; cancelling one that ran (or was cancelled) does nothing. */
  cancel(timer: QueuedTimer): void {
    const entry = timer as Entry;
    if (entry.index === DUE) entry.index = DONE;
    else if (entry.index !== DONE) this.#remove(entry.index);
  }

  /** Drops every entry and the Node timer. */
  clear(): void {
    for (const entry of this.#heap) entry.index = DONE;
    this.#heap.length = 0;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#armedAt = Number.POSITIVE_INFINITY;
  }

  #arm(at: number): void {
    clearTimeout(this.#timer);
    this.#armedAt = at;
    this.#timer = setTimeout(() => this.#fire(), Math.max(0, Math.ceil(at - this.#now())));
    this.#timer.unref();
  }

  #fire(): void {
    this.#timer = undefined;
    this.#armedAt = Number.POSITIVE_INFINITY;
    // The entries due now run after they all left the heap: one that a callback adds runs on a later firing
    // (as do those beyond MAX_RUN_PER_FIRING).
    const now = this.#now();
    const due: Entry[] = [];
    for (
      let first = this.#heap[0];
      first && first.at <= now && due.length < MAX_RUN_PER_FIRING;
      first = this.#heap[0]
    ) {
      this.#remove(0);
      first.index = DUE;
      due.push(first);
    }
    let failure: { error: unknown } | undefined;
    for (const entry of due) {
      if (entry.index !== DUE) continue; // cancelled by a callback that ran before it
      entry.index = DONE;
      try {
        entry.run.call(entry.receiver);
      } catch (error) {
        failure ??= { error }; // as from a plain timer, but only after the others ran and the queue re-armed
      }
    }
    const next = this.#heap[0];
    if (next && next.at < this.#armedAt) this.#arm(next.at);
    if (failure) throw failure.error;
  }

  #remove(index: number): void {
    const heap = this.#heap;
    const removed = heap[index] as Entry;
    removed.index = DONE;
    const last = heap.pop() as Entry;
    if (index === heap.length) return;
    heap[index] = last;
    last.index = index;
    this.#siftDown(index);
    this.#siftUp(last.index);
  }

  #siftUp(index: number): void {
    const heap = this.#heap;
    const entry = heap[index] as Entry;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = heap[parentIndex] as Entry;
      if (parent.at <= entry.at) break;
      heap[index] = parent;
      parent.index = index;
      index = parentIndex;
    }
    heap[index] = entry;
    entry.index = index;
  }

  #siftDown(index: number): void {
    const heap = this.#heap;
    const entry = heap[index] as Entry;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child =
        right < heap.length && (heap[right] as Entry).at < (heap[left] as Entry).at ? right : left;
      const smaller = heap[child] as Entry;
      if (smaller.at >= entry.at) break;
      heap[index] = smaller;
      smaller.index = index;
      index = child;
    }
    heap[index] = entry;
    entry.index = index;
  }
}
