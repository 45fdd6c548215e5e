import type { Invariant, Violation } from './checker/Violation.js';
import { coverage } from './history/coverage.js';
import type { HistoryEvent } from './history/events.js';
import { addPathCounts, pathCounts, type PathCounts } from './paths/pathCounts.js';
import type { ChaosStatistics } from './result.js';
import type { ChaosWorld } from './world/ChaosWorld.js';

/** At most this many beyond-bounds violations per invariant are kept as a sample. */
const BEYOND_SAMPLE = 10;

/**
 * What a run counts as its schedules pass: the schedules (until the first failure) and, apart, the shrink runs
 * after it, so that a report can say "100 schedules + 49 shrink runs" instead of one blurred number. Coverage,
 * the fault mix and violation counts come from the schedules only.
 *
 * @example
 * ```ts
 * const tally = new RunTally(); tally.add(world, ttl, violations); tally.statistics(1200).schedules // 1
 * ```
 */
export class RunTally {
  schedules = 0;
  shrinkRuns = 0;
  /** Set once a schedule failed: later runs are fast-check shrinking it. */
  shrinking = false;
  readonly beyondBounds: Violation[] = [];
  /** The busiest passing schedule (most grants), drawn in the report when every schedule passed. */
  sample: { events: readonly HistoryEvent[]; grants: number } = { events: [], grants: -1 };
  readonly #steps: Record<string, number> = {};
  readonly #violations: Partial<Record<Invariant, { bug: number; beyond: number }>> = {};
  readonly #lock: Record<string, number> = {};
  readonly #ttl = { min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY };
  #grants = 0;
  #handOvers: number | undefined = 0;
  #contendedWaits = 0;
  /** The paths the schedules exercised, summed; `undefined` before the first schedule. */
  paths: PathCounts | undefined;

  /** Counts one finished run of `world` (a schedule, or a shrink run once {@link shrinking}). */
  add(
    world: ChaosWorld,
    ttl: number,
    violations: readonly Violation[],
    lockStats: readonly Readonly<Record<string, number>>[],
  ): void {
    if (this.shrinking) {
      this.shrinkRuns += 1;
      return;
    }
    this.schedules += 1;
    this.#ttl.min = Math.min(this.#ttl.min, ttl);
    this.#ttl.max = Math.max(this.#ttl.max, ttl);
    const covered = coverage(world.history);
    this.#grants += covered.grants;
    this.#handOvers =
      this.#handOvers === undefined || covered.handOvers === undefined
        ? undefined
        : this.#handOvers + covered.handOvers;
    this.#contendedWaits += covered.contendedWaits;
    const paths = pathCounts(world.history, covered);
    this.paths = this.paths === undefined ? paths : addPathCounts(this.paths, paths);
    if (covered.grants > this.sample.grants)
      this.sample = { events: world.history.events, grants: covered.grants };
    for (const [kind, n] of world.stepCounts) this.#steps[kind] = (this.#steps[kind] ?? 0) + n;
    for (const stats of lockStats)
      for (const [name, n] of Object.entries(stats)) this.#lock[name] = (this.#lock[name] ?? 0) + n;
    for (const v of violations) {
      const count = (this.#violations[v.invariant] ??= { bug: 0, beyond: 0 });
      if (v.label === 'bug') count.bug += 1;
      else {
        count.beyond += 1;
        if (count.beyond <= BEYOND_SAMPLE) this.beyondBounds.push(v);
      }
    }
  }

  statistics(durationMs: number): ChaosStatistics {
    return {
      schedules: this.schedules,
      shrinkRuns: this.shrinkRuns,
      durationMs,
      grants: this.#grants,
      handOvers: this.#handOvers,
      contendedWaits: this.#contendedWaits,
      ttl: this.schedules === 0 ? { min: 0, max: 0 } : { ...this.#ttl },
      lock: this.#lock,
      steps: this.#steps,
      violations: this.#violations,
    };
  }
}
