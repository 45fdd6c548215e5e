import { setTimeout as sleep } from 'node:timers/promises';
import type { LockClient, Release } from '../libraries/LockLibrary.js';
import { acquireModes } from './acquireModes.js';
import { epochNow, type RunMode, type WorkerResult } from './protocol.js';

/** After this many failures a client stops, so a broken library cannot spin. */
const MAX_ERRORS = 100;

/** One client's loop: what to lock, how long to hold it, and the measuring window (epoch ms). */
export interface ClientLoopPlan {
  /** This client's index in the worker. */
  readonly index: number;
  readonly key: string;
  readonly holdMs: number;
  readonly startAt: number;
  readonly endAt: number;
  /** How the client takes its key; absent: the exclusive lock. */
  readonly mode?: RunMode;
}

/** A mutable tally that the clients of one worker share. */
export type Tally = { -readonly [K in keyof WorkerResult]: WorkerResult[K] };

/**
 * A tally of nothing yet, for `clients` clients.
 *
 * @example
 * ```ts
 * const tally = emptyTally(keys.length)
 * ```
 */
export function emptyTally(clients: number): Tally {
  return {
    waits: [],
    grantsInWindow: 0,
    grantsPerClient: Array.from({ length: clients }, () => 0),
    grantsTotal: 0,
    heldMs: 0,
    errors: 0,
    commandsSent: 0,
    cpuMs: 0,
  };
}

/**
 * Loops acquire (in the plan's mode, see {@link acquireModes}) → hold `holdMs` → release on one key until the
 * window closes. An acquire that started in the
 * window counts its wait even when the grant comes after the window; such a grant is released at once and
 * adds no hold time.
 */
export async function runClientLoop(client: LockClient, plan: ClientLoopPlan, tally: Tally): Promise<void> {
  const nextMode = acquireModes(plan.mode, plan.index);
  for (let began = epochNow(); began < plan.endAt; began = epochNow()) {
    let release: Release;
    try {
      release = await client.acquire(plan.key, nextMode());
    } catch (error) {
      if (noteError(tally, error)) return;
      continue;
    }
    const granted = epochNow();
    tally.waits.push(granted - began);
    tally.grantsTotal += 1;
    if (granted < plan.endAt) {
      tally.grantsInWindow += 1;
      tally.grantsPerClient[plan.index] = (tally.grantsPerClient[plan.index] ?? 0) + 1;
      if (plan.holdMs > 0) await sleep(plan.holdMs);
      tally.heldMs += Math.min(epochNow(), plan.endAt) - granted;
    }
    try {
      await release();
    } catch (error) {
      if (noteError(tally, error)) return;
    }
  }
}

/** Records a failure; true when the client should give up. */
function noteError(tally: Tally, error: unknown): boolean {
  tally.errors += 1;
  tally.firstError ??= error instanceof Error ? error.message : String(error);
  return tally.errors >= MAX_ERRORS;
}
