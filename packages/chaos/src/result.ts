import type { ChaosClientLibrary } from './real/clientLibraries.js';
import type { Invariant, Violation } from './checker/Violation.js';
import type { HistoryEvent } from './history/events.js';
import type { ChaosBackendName, ChaosTopology, TtlRange } from './options.js';
import type { ChaosFault } from './schedule/faults.js';
import type { PathReport } from './paths/pathReport.js';

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
  /** The ttl of the failing schedule, in ms (drawn from the run's range, which the seed and path replay). */
  readonly ttl: number;
}

/** Counts over every schedule that ran. */
export interface ChaosStatistics {
  /** Schedules generated and run (at most `runs`; fewer when one failed). */
  readonly schedules: number;
  /** Runs spent shrinking a failure to its counterexample, after the schedules. */
  readonly shrinkRuns: number;
  readonly durationMs: number;
  /** Acquires that returned a lock, over the schedules (shrink runs not counted; likewise below). */
  readonly grants: number;
  /** Grants handed over by another process's command; `undefined` where leases are sampled (real Redis). */
  readonly handOvers: number | undefined;
  /** Acquires allowed to wait that started while another token held the lease. */
  readonly contendedWaits: number;
  /** The ttls drawn, in ms (equal when the ttl is fixed). */
  readonly ttl: { readonly min: number; readonly max: number };
  /** Counters the lock itself reported (`LockClient.stats`), summed over clients and schedules. */
  readonly lock: Readonly<Record<string, number>>;
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
  /** The client library the lock ran on (redis backend). */
  readonly client: ChaosClientLibrary;
  readonly clients: number;
  /** Clients per simulated process, sharing its lock client, connection and clock. */
  readonly clientsPerProcess: number;
  readonly operations: number;
  readonly runs: number;
  /** The ttl asked for: a fixed value (`min === max`) or the range each schedule draws from. */
  readonly ttl: TtlRange;
  /** Whether schedules were biased toward contention. */
  readonly contention: boolean;
  /** Permits of the key every acquire asked for (1: the mutex). */
  readonly limit: number;
  /** Share of acquires drawn as read shares (0: none). */
  readonly sharedRatio: number;
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
  /**
   * `fail`: a violation labelled a bug; `inconclusive`: none, but a path the run required was never exercised
   * (`paths.missing`); `pass`: neither.
   */
  readonly verdict: 'pass' | 'fail' | 'inconclusive';
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
  /** How often each path of the lock ran, which the run required and which of those never ran. */
  readonly paths: PathReport;
}
