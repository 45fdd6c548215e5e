import { formatTtl } from '../options.js';
import type { ChaosResult, ChaosStatistics } from '../result.js';

/**
 * How many schedules ran against how many were asked, without mixing in the shrink runs: `100 schedules`,
 * `37 of 100 schedules + 49 shrink runs` when the 37th failed.
 *
 * @example
 * ```ts
 * runSize(result) // '100 schedules'
 * ```
 */
export function runSize({ statistics, run }: ChaosResult): string {
  const { schedules, shrinkRuns } = statistics;
  const ran = schedules === run.runs ? `${schedules} schedules` : `${schedules} of ${run.runs} schedules`;
  return shrinkRuns > 0 ? `${ran} + ${shrinkRuns} shrink runs` : ran;
}

/**
 * The ttl asked for, and for a range the ttls drawn (and the failing schedule's): `1000 ms`, or
 * `100..3000 ms (drawn 104–2987; failing schedule 1234)`.
 *
 * @example
 * ```ts
 * ttlText(result) // '100..3000 ms (drawn 104–2987)'
 * ```
 */
export function ttlText({ run, statistics, counterexample }: ChaosResult): string {
  if (run.ttl.min === run.ttl.max) return `${run.ttl.min} ms`;
  const drawn = `drawn ${statistics.ttl.min}–${statistics.ttl.max}`;
  return `${formatTtl(run.ttl)} ms (${drawn}${counterexample ? `; failing schedule ${counterexample.ttl}` : ''})`;
}

/**
 * What the schedules exercised, per schedule: `1.9 grants, 0.4 hand-overs, 2.3 contended waits per schedule`.
 *
 * @example
 * ```ts
 * coverageText(result.statistics)
 * ```
 */
export function coverageText(statistics: ChaosStatistics): string {
  const n = Math.max(1, statistics.schedules);
  const per = (x: number): string => (x / n).toFixed(1);
  const handOvers =
    statistics.handOvers === undefined
      ? 'hand-overs not observable'
      : `${per(statistics.handOvers)} hand-overs`;
  return `${per(statistics.grants)} grants, ${handOvers}, ${per(statistics.contendedWaits)} contended waits per schedule`;
}
