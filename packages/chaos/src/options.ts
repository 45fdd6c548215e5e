import type { LockAdapter } from './adapter/LockAdapter.js';
import { deadboltAdapter } from './adapter/deadboltAdapter.js';
import { ALL_FAULTS, type ChaosFault } from './schedule/faults.js';

/**
 * Options of {@link runChaos}; every field is optional.
 *
 * @example
 * ```ts
 * await runChaos({ clients: 3, operations: 30, runs: 200, faults: ['crash', 'lostReply'] })
 * ```
 */
export interface ChaosOptions {
  /** The lock under test. Default `deadboltAdapter()`. */
  readonly lock?: LockAdapter;
  /** Concurrent clients. Default `5`. */
  readonly clients?: number;
  /** Most steps per schedule. Default `50`. */
  readonly operations?: number;
  /** Schedules to run. Default `100`. */
  readonly runs?: number;
  /** fast-check seed; replays a failure together with `path`. Default: random. */
  readonly seed?: number;
  /** fast-check path of a failure to replay (with its `seed`). Default: none. */
  readonly path?: string;
  /** fast-check replay path of the commands, printed with a failure. Default: none. */
  readonly replayPath?: string;
  /** Faults to draw. Default: all of them. */
  readonly faults?: readonly ChaosFault[];
  /** Keep faults within the lock's stated bounds, or go beyond them. Default `'within'`. */
  readonly bounds?: 'within' | 'beyond';
  /** Lease length of every acquire, in ms. Default `1_000`. */
  readonly ttl?: number;
  /** Shrink a failure to a minimal counterexample. Default `true`. */
  readonly shrink?: boolean;
}

/** {@link ChaosOptions} with the defaults filled in. */
export interface ChaosConfig {
  readonly lock: LockAdapter;
  readonly clients: number;
  readonly operations: number;
  readonly runs: number;
  readonly seed: number | undefined;
  readonly path: string | undefined;
  readonly replayPath: string | undefined;
  readonly faults: readonly ChaosFault[];
  readonly bounds: 'within' | 'beyond';
  readonly ttl: number;
  readonly shrink: boolean;
}

/** Validates the options once and fills in the defaults. */
export function resolveChaosOptions(options: ChaosOptions = {}): ChaosConfig {
  const count = (name: string, value: number, min: number): number => {
    if (!Number.isInteger(value) || value < min)
      throw new RangeError(`runChaos: "${name}" must be an integer >= ${min}, got ${value}`);
    return value;
  };
  return {
    lock: options.lock ?? deadboltAdapter(),
    clients: count('clients', options.clients ?? 5, 2),
    operations: count('operations', options.operations ?? 50, 1),
    runs: count('runs', options.runs ?? 100, 1),
    seed: options.seed,
    path: options.path,
    replayPath: options.replayPath,
    faults: options.faults ?? ALL_FAULTS,
    bounds: options.bounds ?? 'within',
    ttl: count('ttl', options.ttl ?? 1_000, 50),
    shrink: options.shrink ?? true,
  };
}
