import fc from 'fast-check';
import type { ChaosClient } from '../world/ChaosClient.js';
import type { ChaosWorld } from '../world/ChaosWorld.js';
import type { ScheduleShape } from './commands.js';
import { Step } from './Step.js';

/**
 * The `waiterStall` steps: `waiterStall(c, ms)` freezes a waiting client's whole process (its timers and socket
 * reads wait: a SIGSTOP or a long synchronous block), and, with contention, `stalledHandOff(ms)` freezes the
 * head of the queue (the longest-waiting client) right before the holder releases, so that the release hands it
 * the lock while it cannot answer (deadbolt's provisional hand-over lease lasts 1.5 s; stalls reach 3 ttls).
 *
 * @example
 * ```ts
 * fc.commands([...waiterFaultCommands({ clients: 3, ttl: 2000, faults: ['waiterStall'], bounds: 'within', driftFactor: 0.01, contention: true })])
 * ```
 */
export function waiterFaultCommands(shape: ScheduleShape): fc.Arbitrary<Step>[] {
  if (!shape.faults.includes('waiterStall')) return [];
  const span = fc.integer({ min: Math.max(1, Math.round(shape.ttl / 2)), max: 3 * shape.ttl });
  const out = [
    fc
      .tuple(fc.nat(shape.clients - 1), span)
      .map(
        ([i, ms]) =>
          new Step(
            `waiterStall(c${i}, ${ms})`,
            (w) => void w.clients[i]?.freezeWhileWaiting(ms),
            'waiterStall',
          ),
      ),
  ];
  if (shape.contention !== true) return out;
  const stalledHandOff = span.map(
    (ms) => new Step(`stalledHandOff(${ms})`, (w) => stallHeadThenRelease(w, ms), 'stalledHandOff'),
  );
  return [...out, stalledHandOff, stalledHandOff];
}

/**
 * Freezes the longest-waiting live client for `ms`, then makes every holder release. A freeze that blocks the
 * harness itself (inline clients on real Redis: the proxies share the event loop) comes a few ms after the
 * release instead, once the release (and the hand-over it publishes) has gone through.
 */
async function stallHeadThenRelease(world: ChaosWorld, ms: number): Promise<void> {
  let head: ChaosClient | undefined;
  for (const c of world.clients) {
    const since = c.acquiringSince;
    if (since === undefined || c.crashed) continue;
    if (head === undefined || since < (head.acquiringSince ?? Infinity)) head = c;
  }
  const blocks = head?.connection.freezeBlocksHarness === true;
  if (!blocks) head?.freezeWhileWaiting(ms);
  for (const c of world.clients) if (c.held) c.release();
  if (!blocks) return;
  await new Promise((resolve) => setTimeout(resolve, HAND_OVER_DELIVERY_MS));
  head?.freezeWhileWaiting(ms);
}

/** Real time a release and the hand-over message it publishes take through the local proxies, in ms. */
const HAND_OVER_DELIVERY_MS = 5;
