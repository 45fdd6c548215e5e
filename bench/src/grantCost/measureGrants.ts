import { getHeapStatistics } from 'node:v8';
import { PerformanceObserver } from 'node:perf_hooks';
import type { Grant } from './grantVariants.js';

/** Garbage collections seen so far: a run with none between its ends allocated what its heap grew by. */
let collections = 0;
new PerformanceObserver((list) => (collections += list.getEntries().length)).observe({ entryTypes: ['gc'] });

/** What {@link measureGrants} counted. */
export interface GrantTally {
  readonly grants: number;
  /** Client CPU (user + system) of the process over the grants, in µs. */
  readonly cpuUs: number;
  readonly wallMs: number;
  /**
   * Heap bytes allocated over the grants, when no garbage collection ran meanwhile (run the tool with a large
   * `--max-semi-space-size` and few grants); else `undefined`.
   */
  readonly heapBytes: number | undefined;
}

/** Keys of every run of this process: each grant locks a key no run used before (`item:<n>`). */
let counter = 0;

/**
 * Takes `grants` locks on fresh keys with `inFlight` acquires at once (like as many HTTP connections), each
 * released as soon as granted; a loop sends its next acquire without awaiting its release (as a connection's next
 * request comes while the response's release is in flight). Measures the process's CPU from the first acquire to
 * the last release's answer.
 *
 * @example
 * ```ts
 * const { cpuUs, grants } = await measureGrants(grant, 20_000, 32)
 * ```
 */
export async function measureGrants(grant: Grant, grants: number, inFlight: number): Promise<GrantTally> {
  let left = grants;
  const releases: Promise<unknown>[] = [];
  const loop = async (): Promise<void> => {
    let last: Promise<unknown> = Promise.resolve();
    while (left > 0) {
      left -= 1;
      counter += 1;
      const release = await grant(`item:${counter}`);
      if (!release) throw new Error('a fresh key was busy');
      last = release();
    }
    releases.push(last);
  };
  const seen = collections;
  const heap = getHeapStatistics().used_heap_size;
  const cpu = process.cpuUsage();
  const began = performance.now();
  await Promise.all(Array.from({ length: inFlight }, loop));
  await Promise.all(releases);
  const used = process.cpuUsage(cpu);
  const wallMs = performance.now() - began;
  const grown = getHeapStatistics().used_heap_size - heap;
  await new Promise((turn) => setImmediate(turn)); // the observer hears of a collection in a later turn
  const heapBytes = collections === seen ? grown : undefined;
  return { grants, cpuUs: used.user + used.system, wallMs, heapBytes };
}
