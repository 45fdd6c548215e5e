import { performance } from 'node:perf_hooks';
import type { History } from '../history/History.js';

/**
 * Sleeps `ms` of real time and records a `hostStall` fault (on every client: `client` unset) when the harness's
 * own process woke up more than `tolerance` ms late. Inline clients share this event loop: a machine too loaded
 * to run their timers on time paused them as surely as a SIGSTOP, and liveness (L1, L3) must not blame the lock
 * for it.
 *
 * @example
 * ```ts
 * await sleepWatchingHost(history, 50, 50)
 * ```
 */
export async function sleepWatchingHost(history: History, ms: number, tolerance: number): Promise<void> {
  const from = performance.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const late = Math.round(performance.now() - from - ms);
  if (late <= tolerance) return;
  history.push({ type: 'fault', kind: 'hostStall', t: history.now() - late, duration: late, beyond: false });
}
