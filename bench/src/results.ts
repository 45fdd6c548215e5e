import type { LockLibrary } from './libraries/LockLibrary.js';
import type { Scenario } from './scenarios.js';
import type { Measurement } from './stats.js';

/** One library's measurement in one scenario. */
export interface LibraryResult {
  readonly library: LockLibrary;
  readonly measurement: Measurement;
}

/** Every library's measurement in one scenario, in the scenario's library order (the raw floor first). */
export interface ScenarioResult {
  readonly scenario: Scenario;
  readonly rows: readonly LibraryResult[];
}

/**
 * Throughput of `row` relative to `other`'s: the median over rounds of the two libraries' throughput ratio in
 * the same round. The libraries of a round run one after the other within seconds, so each round's ratio is
 * little touched by the machine's speed drifting between rounds, which a ratio of totals would carry in; the
 * median also drops a round that a burst of load on the machine hit. NaN when a throughput is 0 throughout.
 */
export function pairedRatio(row: LibraryResult, other: LibraryResult): number {
  const ratio = medianRoundRatio(row.measurement.roundThroughputs, other.measurement.roundThroughputs);
  return Number.isNaN(ratio) ? row.measurement.throughput / other.measurement.throughput : ratio;
}

/**
 * The median over rounds of `ours[round] / theirs[round]`, skipping rounds whose ratio is not finite; NaN when
 * none is left.
 *
 * @example
 * ```ts
 * medianRoundRatio([90, 180, 20], [100, 200, 100]) // 0.9: the round a burst of load hit is dropped
 * ```
 */
export function medianRoundRatio(ours: readonly number[], theirs: readonly number[]): number {
  return median(ours.map((value, round) => value / (theirs[round] ?? Number.NaN)));
}

/**
 * The median of the finite `values` (the middle two averaged for an even count); NaN when there is none.
 *
 * @example
 * ```ts
 * median([3, 1, Number.NaN, 2, 10]) // 2.5
 * ```
 */
export function median(values: readonly number[]): number {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
}

/**
 * Throughput of `row` relative to the scenario's baseline (the raw floor, or deadbolt in the quorum
 * scenarios), paired by round (see {@link pairedRatio}); NaN without a baseline row.
 */
export function ratioToBaseline(result: ScenarioResult, row: LibraryResult): number {
  const base = result.rows.find((candidate) => candidate.library.id === result.scenario.baseline);
  return base ? pairedRatio(row, base) : Number.NaN;
}

/** The name of the scenario's baseline, as the `×` column calls it (`raw floor`, `deadbolt (mutex)`, …). */
export function baselineName(result: ScenarioResult): string {
  const { baseline } = result.scenario;
  return result.rows.find((row) => row.library.id === baseline)?.library.name ?? baseline;
}
