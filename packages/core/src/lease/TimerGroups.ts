import { type HeapNode, OUT_OF_HEAP, type TimerHeap } from './TimerHeap.js';

/** A callback waiting in a `TimerQueue`; `cancel()` it through the queue. */
export interface QueuedTimer {
  /** When it runs, on the queue's clock. */
  readonly at: number;
}

/** A timer as the queue keeps it. */
export interface TimerEntry extends QueuedTimer, HeapNode {
  at: number;
  readonly run: (this: unknown) => void;
  /** `this` of `run`. */
  readonly receiver: unknown;
  /** Position in the heap (in its group's list when grouped), or {@link DUE}, or {@link DONE}. */
  index: number;
  /** The group it waits in (grouped queue). */
  group: TimerGroup | undefined;
}

/** The entries of a grouped queue due in one millisecond: one heap node for them all. */
export interface TimerGroup extends HeapNode {
  /** The end of that millisecond, when they all run. */
  readonly at: number;
  readonly entries: TimerEntry[];
}

/** The entry left the heap to run in the current firing. */
export const DUE = -2;
/** The entry ran or was cancelled. */
export const DONE = OUT_OF_HEAP;

/**
 * The groups of a grouped `TimerQueue`, by the millisecond they end: an entry joins the group of the end of its
 * millisecond (made, and put in the heap, when it has none) and leaves it by a swap with the group's last entry.
 *
 * @example
 * ```ts
 * const groups = new TimerGroups(heap)
 * groups.join(entry) // heap.peek() is now its group
 * ```
 */
export class TimerGroups {
  readonly #heap: TimerHeap<TimerEntry | TimerGroup>;
  readonly #byEnd = new Map<number, TimerGroup>();

  constructor(heap: TimerHeap<TimerEntry | TimerGroup>) {
    this.#heap = heap;
  }

  /** Puts `entry` (not waiting) in the group of its millisecond; returns that group. */
  join(entry: TimerEntry): TimerGroup {
    const at = Math.ceil(entry.at);
    let group = this.#byEnd.get(at);
    if (!group) {
      group = { at, index: DONE, entries: [] };
      this.#byEnd.set(at, group);
      this.#heap.push(group);
    }
    entry.group = group;
    entry.index = group.entries.push(entry) - 1;
    return group;
  }

  /** Takes a waiting `entry` out of its group; a group left empty leaves the heap. */
  leave(entry: TimerEntry, group: TimerGroup): void {
    entry.group = undefined;
    const last = group.entries.pop() as TimerEntry;
    if (last !== entry) {
      group.entries[entry.index] = last;
      last.index = entry.index;
    }
    entry.index = DONE;
    if (group.entries.length === 0) this.#drop(group);
  }

  /** Moves entries of `group` (from its end) to `due` until it holds `max`; returns how many moved. */
  takeDue(group: TimerGroup, due: TimerEntry[], max: number): number {
    const entries = group.entries;
    let taken = 0;
    while (entries.length > 0 && due.length < max) {
      const entry = entries.pop() as TimerEntry;
      entry.group = undefined;
      entry.index = DUE;
      due.push(entry);
      taken++;
    }
    if (entries.length === 0) this.#drop(group);
    return taken;
  }

  /** Forgets every group (the queue empties the heap). */
  clear(): void {
    this.#byEnd.clear();
  }

  #drop(group: TimerGroup): void {
    this.#heap.remove(group);
    this.#byEnd.delete(group.at);
  }
}
