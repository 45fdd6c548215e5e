import type { LockLibrary } from './libraries/LockLibrary.js';
import type { Scenario } from './scenarios.js';
import type { Measurement } from './stats.js';

/** One library's measurement in one scenario. */
export interface LibraryResult {
  readonly library: LockLibrary;
  readonly measurement: Measurement;
}

/** Every library's measurement in one scenario, the raw floor first. */
export interface ScenarioResult {
  readonly scenario: Scenario;
  readonly rows: readonly LibraryResult[];
}

/** Throughput of `row` relative to the raw floor of the same scenario (NaN without a floor). */
export function ratioToFloor(result: ScenarioResult, row: LibraryResult): number {
  const floor = result.rows.find((candidate) => candidate.library.id === 'raw');
  return floor ? row.measurement.throughput / floor.measurement.throughput : Number.NaN;
}
