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
 * Throughput of `row` relative to the scenario's baseline (the raw floor, or deadbolt in the quorum
 * scenarios) in the same run; NaN without a baseline row.
 */
export function ratioToBaseline(result: ScenarioResult, row: LibraryResult): number {
  const base = result.rows.find((candidate) => candidate.library.id === result.scenario.baseline);
  return base ? row.measurement.throughput / base.measurement.throughput : Number.NaN;
}

/** The name of the scenario's baseline, as the `×` column calls it. */
export function baselineName(result: ScenarioResult): string {
  return result.scenario.baseline === 'raw' ? 'raw floor' : result.scenario.baseline;
}
