import { RENEWAL_BATCH_SIZE } from './RenewalBatcher.js';
import type { TimerQueue } from './TimerQueue.js';

/**
 * Aligned renewals are spread over the period in slots of about this many leases (a power of two of slots,
 * at most {@link MAX_RENEWAL_SLOTS}): each slot's renewals fall due together, fill whole batches and run in one
 * firing of the timer queue (at most `MAX_RUN_PER_FIRING`), and the slots take turns over the period, so that
 * 100 000 held locks do not renew in one burst that holds the event loop and the connection.
 */
const LEASES_PER_SLOT = 800;
/** Most slots a period is cut into. */
export const MAX_RENEWAL_SLOTS = 128;
/** First confirmed renewals of the aligned schedules of each timer queue (of each locker): numbers their blocks. */
const firstRenewals = new WeakMap<TimerQueue, number>();

/**
 * The block of a lease whose first renewal was just confirmed on `timers`: a block of {@link RENEWAL_BATCH_SIZE}
 * consecutive first renewals shares a slot (they were one batch: they stay one).
 *
 * @example
 * ```ts
 * const block = nextRenewalBlock(timers) // 0 for the first RENEWAL_BATCH_SIZE leases, then 1, …
 * ```
 */
export function nextRenewalBlock(timers: TimerQueue): number {
  const renewed = firstRenewals.get(timers) ?? 0;
  firstRenewals.set(timers, renewed + 1);
  return Math.floor(renewed / RENEWAL_BATCH_SIZE);
}

/**
 * When to renew after a renewal (or grant) confirmed from `last`, due `due` ms later, aligned to the grid of its
 * slot: the multiples of the regular period `grid`, shifted by the slot's share of it; the slot is the lease's
 * `block` (-1 before its first renewal: slot 0) among the slots of `timers` (a power of two, about one per
 * {@link LEASES_PER_SLOT} timers). The point of that grid in [last + due / 2, last + 1.5 × due), or
 * `last + due` when none is (a hand-over's shorter first period). Whole milliseconds, rounded down.
 *
 * @example
 * ```ts
 * alignedRenewal(1_000, 3_000, 3_000, -1, timers) // 3_000: the multiple of 3 000 nearest 4 000 in [2 500, 5 500)
 * ```
 */
export function alignedRenewal(
  last: number,
  due: number,
  grid: number,
  block: number,
  timers: TimerQueue,
): number {
  const renewAt = Math.floor(last + due);
  const slots = block < 0 ? 1 : renewalSlots(timers.size);
  const offset = ((Math.max(0, block) % slots) * grid) / slots;
  const down = Math.floor((renewAt - offset) / grid) * grid + offset;
  if (down >= last + due / 2) return Math.floor(down);
  const up = down + grid;
  return up < last + 1.5 * due ? Math.floor(up) : renewAt;
}

/** Slots of the period for `timers` timers in the queue: a power of two, about one per {@link LEASES_PER_SLOT}. */
function renewalSlots(timers: number): number {
  let slots = 1;
  while (slots < MAX_RENEWAL_SLOTS && slots * LEASES_PER_SLOT < timers) slots *= 2;
  return slots;
}
