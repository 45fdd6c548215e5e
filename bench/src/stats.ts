import type { WorkerResult } from './worker/protocol.js';

/** What one library achieved in one scenario, summed over its workers. */
export interface Measurement {
  /** Grants per second inside the window. */
  readonly throughput: number;
  /** Grants per second in each round's window, in round order (see `pairedRatio`). */
  readonly roundThroughputs: readonly number[];
  /** Σ hold time ÷ (permits × window length): the share of the key's permits held (1 for a mutex). */
  readonly utilisation: number;
  readonly waitP50: number;
  readonly waitP99: number;
  readonly waitMax: number;
  /** The largest share of a run's grants that one client got (1 ÷ clients when perfectly fair). */
  readonly busiestShare: number;
  /** Commands Redis executed per grant, script-internal ones included (INFO commandstats). */
  readonly redisCommandsPerGrant: number;
  /** Commands the clients sent per grant (round trips, but for a PING sent in the same write as a release). */
  readonly clientCommandsPerGrant: number;
  /** CPU time the worker processes used per grant, user plus system, in µs (`process.cpuUsage()`). */
  readonly clientCpuPerGrantUs: number;
  /** CPU time the Redis server(s) used per grant, user plus system, in µs (`INFO cpu`). */
  readonly redisCpuPerGrantUs: number;
  readonly grants: number;
  readonly errors: number;
  readonly firstError?: string;
}

/** The value below which `fraction` of the sorted `values` lie (nearest rank). */
export function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil(fraction * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))] ?? Number.NaN;
}

/** What the workers measured in one run (one window) of one library, and what Redis counted meanwhile. */
export interface RunResult {
  readonly workers: readonly WorkerResult[];
  readonly windowMs: number;
  /** Commands Redis executed during the run, script-internal ones included. */
  readonly redisCommands: number;
  /** CPU time the Redis server(s) used during the measured window, in ms. */
  readonly redisCpuMs: number;
}

/** Folds several runs of one library in one scenario, on a key of `permits` permits, into a {@link Measurement}. */
export function summarize(runs: readonly RunResult[], permits = 1): Measurement {
  const results = runs.flatMap((run) => run.workers);
  const windowMs = runs.reduce((total, run) => total + run.windowMs, 0);
  const redisCommands = runs.reduce((total, run) => total + run.redisCommands, 0);
  const redisCpuMs = runs.reduce((total, run) => total + run.redisCpuMs, 0);
  const waits = results.flatMap((result) => result.waits).sort((a, b) => a - b);
  const sum = (pick: (result: WorkerResult) => number): number =>
    results.reduce((total, result) => total + pick(result), 0);
  const grantsTotal = sum((result) => result.grantsTotal);
  const perGrant = (count: number): number => (grantsTotal > 0 ? count / grantsTotal : Number.NaN);
  const firstError = results.find((result) => result.firstError !== undefined)?.firstError;
  return {
    throughput: sum((result) => result.grantsInWindow) / (windowMs / 1000),
    roundThroughputs: runs.map(
      (run) =>
        run.workers.reduce((total, worker) => total + worker.grantsInWindow, 0) / (run.windowMs / 1000),
    ),
    utilisation: sum((result) => result.heldMs) / (permits * windowMs),
    waitP50: percentile(waits, 0.5),
    waitP99: percentile(waits, 0.99),
    waitMax: waits.at(-1) ?? Number.NaN,
    busiestShare: Math.max(...runs.map(busiestShare)),
    redisCommandsPerGrant: perGrant(redisCommands),
    clientCommandsPerGrant: perGrant(sum((result) => result.commandsSent)),
    clientCpuPerGrantUs: perGrant(sum((result) => result.cpuMs) * 1000),
    redisCpuPerGrantUs: perGrant(redisCpuMs * 1000),
    grants: grantsTotal,
    errors: sum((result) => result.errors),
    ...(firstError === undefined ? {} : { firstError }),
  };
}

/** The largest share of one run's in-window grants that a single client got. */
function busiestShare(run: RunResult): number {
  const perClient = run.workers.flatMap((worker) => worker.grantsPerClient);
  const total = perClient.reduce((sum, grants) => sum + grants, 0);
  return total > 0 ? Math.max(...perClient) / total : Number.NaN;
}
