import { TimerHeap } from './TimerHeap.js';
import {
  DONE,
  DUE,
  type QueuedTimer,
  type TimerEntry as Entry,
  type TimerGroup as Group,
  TimerGroups,
} from './TimerGroups.js';

export type { QueuedTimer, TimerEntry } from './TimerGroups.js';

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
 * A `grouped` queue (default `false`) keeps the timers due within one millisecond of its clock as one heap
 * node, run at the end of that millisecond (Node's timers have that resolution anyway): 100 000 held locks
 * whose renewals fall due at a few hundred moments then make a heap of a few hundred nodes, and adding,
 * moving or cancelling a timer of an existing group is a map look-up and an array step.
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
  /** Entries, or (grouped) groups of entries. */
  readonly #heap = new TimerHeap<Entry | Group>();
  /** The groups (grouped queue only). */
  readonly #groups: TimerGroups | undefined;
  #size = 0;
  #timer: NodeJS.Timeout | undefined;
  /** When the Node timer fires, on the queue's clock; Infinity while none is armed. */
  #armedAt = Number.POSITIVE_INFINITY;

  /**
   * @param now - the clock that `at` is measured on (ms, monotonic).
   * @param grouped - run the timers due within one millisecond together, at its end (see above).
   */
  constructor(now: () => number, grouped = false) {
    this.#now = now;
    this.#groups = grouped ? new TimerGroups(this.#heap) : undefined;
  }

  /** The queue's clock. */
  now(): number {
    return this.#now();
  }

  /** Entries waiting to run. */
  get size(): number {
    return this.#size;
  }

  /**
   * Runs `run` once `now() ≥ at` rounded up to a whole millisecond (Node's timers have that resolution; a whole
   * number is kept in the entry's field, where a fraction would be a new heap number at every move), with
   * `receiver` as its `this` (so a caller with many timers can pass one shared function rather than a closure
   * per timer); returns the handle that {@link TimerQueue.cancel} takes.
   */
  add<T>(at: number, run: (this: T) => void, receiver?: T): QueuedTimer {
    const entry: Entry = {
      at: Math.ceil(at),
      run: run as (this: unknown) => void,
      receiver,
      index: DONE,
      group: undefined,
    };
    this.#enqueue(entry);
    return entry;
  }

  /**
   * {@link TimerQueue.add} for an entry that the caller made: `entry`, not waiting in a queue (`index` is `DONE`,
   * `group` undefined), carries the entry's fields itself, so that an object made per timer anyway (a command in
   * flight) needs no second one. It runs `entry.run` with `entry.receiver` as `this`.
   */
  addEntry(entry: Entry, at: number): QueuedTimer {
    entry.at = Math.ceil(at);
    this.#enqueue(entry);
    return entry;
  }

  /**
   * Moves `timer` to run at `at` (its callback and receiver unchanged) and returns it: a timer waiting in the
   * queue moves in place, one that ran or was cancelled (or is due in the current firing and has not run yet)
   * joins the queue again. No allocation: one timer per held lock moves twice per renewal (a grouped queue
   * makes a group for a millisecond that has none).
   */
  reschedule(timer: QueuedTimer, at: number): QueuedTimer {
    const entry = timer as Entry;
    at = Math.ceil(at);
    if (entry.index >= 0 && !this.#groups) {
      const earlier = at < entry.at;
      entry.at = at;
      this.#heap.moved(entry, earlier);
      if (at < this.#armedAt) this.#arm(at);
      return entry;
    }
    // Waiting in a group, or ran, cancelled or due: a due one left in the current firing's list is skipped
    // there (its index moved).
    if (entry.index >= 0) this.#dequeue(entry);
    entry.at = at;
    this.#enqueue(entry);
    return entry;
  }

  /** Drops a timer that has not run yet; cancelling one that ran (or was cancelled) does nothing. */
  cancel(timer: QueuedTimer): void {
    const entry = timer as Entry;
    if (entry.index === DUE) entry.index = DONE;
    else if (entry.index !== DONE) this.#dequeue(entry);
  }

  /** Drops every entry and the Node timer. */
  clear(): void {
    for (const node of this.#heap.nodes()) {
      if ('entries' in node) for (const entry of node.entries) entry.index = DONE;
      node.index = DONE;
    }
    this.#heap.clear();
    this.#groups?.clear();
    this.#size = 0;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#armedAt = Number.POSITIVE_INFINITY;
  }

  #enqueue(entry: Entry): void {
    this.#size++;
    let node: Entry | Group = entry;
    if (this.#groups) node = this.#groups.join(entry);
    else this.#heap.push(entry);
    if (node.at < this.#armedAt) this.#arm(node.at);
  }

  /** Takes a waiting entry out of the queue. */
  #dequeue(entry: Entry): void {
    this.#size--;
    if (entry.group) this.#groups?.leave(entry, entry.group);
    else this.#heap.remove(entry);
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
      let first = this.#heap.peek();
      first && first.at <= now && due.length < MAX_RUN_PER_FIRING;
      first = this.#heap.peek()
    ) {
      if ('entries' in first) {
        this.#size -= this.#groups?.takeDue(first, due, MAX_RUN_PER_FIRING) ?? 0;
      } else {
        this.#heap.remove(first);
        this.#size--;
        first.index = DUE;
        due.push(first);
      }
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
    const next = this.#heap.peek();
    if (next && next.at < this.#armedAt) this.#arm(next.at);
    if (failure) throw failure.error;
  }
}
