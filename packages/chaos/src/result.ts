import type { Invariant, Violation } from './checker/Violation.js';
import type { HistoryEvent } from './history/events.js';
import type { ChaosBackendName, ChaosTopology } from './options.js';
import type { ChaosFault } from './schedule/faults.js';

/** A shrunk, replayable failure: pass `seed`, `path` and `replayPath` back to `runChaos` to run it again. */
export interface Counterexample {
  readonly seed: number;
  readonly path: string;
  /** fast-check's replay path of the commands (which of them ran); pass it back too. */
  readonly replayPath: string;
  /** The schedule's steps, in order. */
  readonly commands: readonly string[];
  /** The run's history, one event per line (probes left out). */
  readonly history: string;
  /** The order in which the scheduler delivered commands. */
  readonly scheduler: string;
}

/** Counts over every schedule that ran. */
export interface ChaosStatistics {
  readonly schedules: number;
  readonly durationMs: number;
  /** Acquires that returned a lock, over every schedule. */
  readonly grants: number;
  /** Steps run per kind (operations and faults): the fault mix. */
  readonly steps: Readonly<Record<string, number>>;
  /** Violations found per invariant, split into bugs and beyond-bounds ones. */
  readonly violations: Readonly<Partial<Record<Invariant, { bug: number; beyond: number }>>>;
}

/** What was run: the lock, the backend and the shape of the schedules (enough to rebuild a replay command). */
export interface ChaosRunInfo {
  readonly lock: string;
  readonly backend: ChaosBackendName;
  readonly topology: ChaosTopology;
  /** Where the clients ran (redis backend): in the harness's process or one child process each. */
  readonly processes: 'inline' | 'child';
  readonly clients: number;
  /** Clients per simulated process, sharing its lock client, connection and clock. */
  readonly clientsPerProcess: number;
  readonly operations: number;
  readonly runs: number;
  readonly ttl: number;
  readonly bounds: 'within' | 'beyond';
  readonly faults: readonly ChaosFault[];
}

/**
 * What `runChaos` found.
 *
 * @example
 * ```ts
 * const result = await runChaos({ runs: 200 })
 * if (result.verdict === 'fail') console.log(result.summary, result.counterexample)
 * ```
 */
export interface ChaosResult {
  readonly verdict: 'pass' | 'fail';
  /** One line: verdict, lock, schedules, seed. */
  readonly summary: string;
  readonly seed: number;
  readonly run: ChaosRunInfo;
  /** The violations of the (shrunk) failing schedule, or none. */
  readonly violations: readonly Violation[];
  /** A sample of the violations excused as beyond the bounds, over all schedules. */
  readonly beyondBounds: readonly Violation[];
  readonly counterexample?: Counterexample;
  /** The events of the (shrunk) failing schedule, or of the busiest schedule when all passed (for the report). */
  readonly history: readonly HistoryEvent[];
  readonly statistics: ChaosStatistics;
}
