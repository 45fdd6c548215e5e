import { CLIENT_LIBRARIES, type ChaosClientLibrary } from './real/clientLibraries.js';
import type { LockAdapter } from './adapter/LockAdapter.js';
import { deadboltAdapter } from './adapter/deadboltAdapter.js';
import { defaultFaults } from './schedule/defaultFaults.js';
import { FAULT_NAMES, MOCK_SERVER_FAULTS, REAL_ONLY_FAULTS, type ChaosFault } from './schedule/faults.js';
import { PATH_NAMES, type PathName } from './paths/pathCounts.js';

/** Where a run's Redis lives: ioredis-mock on virtual time, or redis-server processes the harness starts. */
export type ChaosBackendName = 'mock' | 'redis';

/**
 * The real backend's servers: one node, 3 or 5 independent masters (quorum), a 3-master Cluster, or one master with
 * one replica (`replicated`; the `failover` fault promotes the replica).
 */
export type ChaosTopology = 'single' | 'quorum3' | 'quorum5' | 'cluster' | 'replicated';

/** Every topology, for validating user input. */
export const TOPOLOGIES: readonly ChaosTopology[] = ['single', 'quorum3', 'quorum5', 'cluster', 'replicated'];

/** A range of lease lengths, in ms: each schedule draws its ttl from it (both ends included). */
export interface TtlRange {
  readonly min: number;
  readonly max: number;
}

/**
 * The default ttl range of each backend: wide, odd values included, and across deadbolt's hand-over threshold
 * (a release hands the lock to a waiter only when the waiter's ttl is at least 1 500 ms). Real Redis starts higher:
 * with real timers on a loaded 2-core machine a lease of 400 ms was lost to scheduling noise (event-loop stalls
 * longer than its renewal margin), not to the lock.
 */
export const DEFAULT_TTL: Readonly<Record<ChaosBackendName, TtlRange>> = {
  mock: { min: 100, max: 3_000 },
  redis: { min: 1_000, max: 2_500 },
};

/** Progress of a run: schedules done out of `runs`, shrink runs after a failure, and real time spent so far. */
export interface ChaosProgress {
  readonly done: number;
  readonly runs: number;
  readonly shrinking: boolean;
  /** Shrink runs so far (after the first failure). */
  readonly shrinkRuns: number;
  /** Real time since the run started, in ms. */
  readonly elapsedMs: number;
}

/**
 * Options of {@link runChaos}; every field is optional.
 *
 * @example
 * ```ts
 * await runChaos({ clients: 3, operations: 30, runs: 200, faults: ['crash', 'lostReply'] })
 * await runChaos({ backend: 'redis', topology: 'quorum3', runs: 5, operations: 20, ttl: 400 })
 * ```
 */
export interface ChaosOptions {
  /** The lock under test. Default `deadboltAdapter()`. */
  readonly lock?: LockAdapter;
  /** `mock` (virtual time, fast) or `redis` (real redis-server processes and a TCP fault proxy). Default `'mock'`. */
  readonly backend?: ChaosBackendName;
  /**
   * Servers of the `redis` backend. The `mock` backend takes `single` and the quorum topologies (`quorum3`,
   * `quorum5`: one ioredis-mock store per master, in virtual time). Default `'single'`.
   */
  readonly topology?: ChaosTopology;
  /** Concurrent clients. Default `5`. */
  readonly clients?: number;
  /**
   * Clients that share one process: one lock client (a single `lock.connect`, e.g. one `Locker`), one connection
   * and one clock, as the requests of one app instance share its locker. Clients 0…k-1 form the first process,
   * and so on. A fault aimed at one of them (a crash, a pause, a lost reply, a clock jump) hits its whole process.
   * Needs `processes: 'inline'`. Default `1` (every client a process of its own).
   */
  readonly clientsPerProcess?: number;
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
  /**
   * Faults to draw. Default {@link defaultFaults}: on mock `ALL_FAULTS` and the `REACH_FAULTS` (`multiSlot` only for
   * a lock with `multiKey`, exclusive acquires, off the Cluster; `idleGap` only for a lock that claims the
   * `fenceRestart` path); on redis `REAL_FAULTS`.
   */
  readonly faults?: readonly ChaosFault[];
  /** Keep faults within the lock's stated bounds, or go beyond them. Default `'within'`. */
  readonly bounds?: 'within' | 'beyond';
  /**
   * Lease length of every acquire, in ms: a number fixes it; a range draws it per schedule (recorded in the result,
   * and replayed with the seed). Default {@link DEFAULT_TTL} of the backend (`{ min: 100, max: 3_000 }` on mock).
   */
  readonly ttl?: number | TtlRange;
  /**
   * Bias schedules toward contention: `rush` steps start several clients waiting on the key at once, and holders
   * release more often, so that queues, hand-overs and wake-ups run. `false` draws the plain mix (and replays seeds
   * recorded before this option existed, with a fixed `ttl`). Default `true`.
   */
  readonly contention?: boolean;
  /**
   * `redis` backend: run each client in this process (`inline`: a `pause` is a partition of its connections) or in a
   * child process of its own (`child`: a `pause`, and a `stall` in its work, SIGSTOP it). `child` needs a built-in
   * lock (one with a `child` spec). Default `'inline'`.
   */
  readonly processes?: 'inline' | 'child';
  /**
   * `redis` backend: the Redis client library the lock's connections are made with (`ioredis`, `iovalkey` or
   * `node-redis`; the latter two are optional peers). Default `'ioredis'`.
   */
  readonly client?: ChaosClientLibrary;
  /** Shrink a failure to a minimal counterexample. Default `true` on mock, `false` on redis (timing differs per run). */
  readonly shrink?: boolean;
  /**
   * Permits of the key: every acquire of the run asks for one of `limit` permits (a counting semaphore; the same
   * limit for every holder). `1` is the mutex. Above 1 the checker allows up to `limit` believed holders at once.
   * Needs a lock with `modes` (deadbolt's), a single node or the Cluster, and `sharedRatio` 0. Default `1`.
   *
   * @example
   * ```ts
   * await runChaos({ limit: 3, runs: 500 }) // deadbolt's semaphore, 3 permits
   * ```
   */
  readonly limit?: number;
  /**
   * Share of acquires that ask for a read share (`shared: true`), drawn per acquire; the rest are exclusive. From 0
   * to 1. `0` draws exactly the schedules of a run without it (recorded seeds replay unchanged). Needs a lock with
   * `modes`, a single node or the Cluster, and `limit` 1. Default `0`.
   *
   * @example
   * ```ts
   * await runChaos({ sharedRatio: 0.5, runs: 500 }) // deadbolt's read-write lock, half of the acquires readers
   * ```
   */
  readonly sharedRatio?: number;
  /** Called after every schedule (for a progress bar). Default: none. */
  readonly onProgress?: (progress: ChaosProgress) => void;
  /**
   * Paths the run must exercise, else its verdict is `inconclusive`. Default: of the paths the lock claims
   * (`LockAdapter.paths`), `grant` and, on mock with `contention`, `contendedWait`; none on a replay (`path` given).
   */
  readonly requirePaths?: readonly PathName[];
}

/** {@link ChaosOptions} with the defaults filled in. */
export interface ChaosConfig {
  readonly lock: LockAdapter;
  readonly backend: ChaosBackendName;
  readonly topology: ChaosTopology;
  readonly clients: number;
  readonly clientsPerProcess: number;
  readonly operations: number;
  readonly runs: number;
  readonly seed: number | undefined;
  readonly path: string | undefined;
  readonly replayPath: string | undefined;
  readonly faults: readonly ChaosFault[];
  readonly bounds: 'within' | 'beyond';
  /** The ttl range; `min === max` when the ttl is fixed. */
  readonly ttl: TtlRange;
  readonly contention: boolean;
  readonly processes: 'inline' | 'child';
  readonly client: ChaosClientLibrary;
  readonly shrink: boolean;
  readonly limit: number;
  readonly sharedRatio: number;
  readonly onProgress: ((progress: ChaosProgress) => void) | undefined;
  /** The paths asked for; `undefined`: the default of `pathReport`. */
  readonly requirePaths: readonly PathName[] | undefined;
}

/** Validates the options once and fills in the defaults; throws `RangeError` for a bad option. */
export function resolveChaosOptions(options: ChaosOptions = {}): ChaosConfig {
  const count = (name: string, value: number, min: number): number => {
    if (!Number.isInteger(value) || value < min)
      throw new RangeError(`runChaos: "${name}" must be an integer >= ${min}, got ${value}`);
    return value;
  };
  const backend = options.backend ?? 'mock';
  if (backend !== 'mock' && backend !== 'redis')
    throw new RangeError(`runChaos: "backend" must be mock or redis, got ${String(backend)}`);
  const topology = options.topology ?? 'single';
  if (!TOPOLOGIES.includes(topology))
    throw new RangeError(`runChaos: "topology" must be one of ${TOPOLOGIES.join(', ')}, got ${topology}`);
  if (backend === 'mock' && topology !== 'single' && topology !== 'quorum3' && topology !== 'quorum5')
    throw new RangeError(
      `runChaos: the mock backend has one node or a quorum of masters; topology ${topology} needs backend redis`,
    );
  const lock = options.lock ?? deadboltAdapter();
  const faults =
    options.faults ??
    defaultFaults({
      backend,
      topology,
      lock,
      limit: options.limit,
      sharedRatio: options.sharedRatio,
      ttl: ttlRange(options.ttl ?? DEFAULT_TTL[backend], count),
    });
  for (const fault of faults) {
    if (!FAULT_NAMES.includes(fault)) throw new RangeError(`runChaos: unknown fault ${String(fault)}`);
    const mockToo = (MOCK_SERVER_FAULTS as readonly string[]).includes(fault);
    if (backend === 'mock' && !mockToo && (REAL_ONLY_FAULTS as readonly string[]).includes(fault))
      throw new RangeError(`runChaos: fault ${fault} needs backend redis`);
  }
  if (faults.includes('failover') && topology !== 'replicated')
    throw new RangeError(`runChaos: fault failover needs topology replicated (a master with a replica)`);
  const processes = options.processes ?? 'inline';
  if (processes !== 'inline' && processes !== 'child')
    throw new RangeError(`runChaos: "processes" must be inline or child, got ${String(processes)}`);
  if (processes === 'child' && backend !== 'redis')
    throw new RangeError('runChaos: processes child needs backend redis');
  const client = options.client ?? 'ioredis';
  if (!CLIENT_LIBRARIES.includes(client))
    throw new RangeError(
      `runChaos: "client" must be one of ${CLIENT_LIBRARIES.join(', ')}, got ${String(client)}`,
    );
  if (client !== 'ioredis' && backend !== 'redis')
    throw new RangeError(`runChaos: client ${client} needs backend redis (the mock backend is ioredis-mock)`);
  const clients = count('clients', options.clients ?? 5, 2);
  const clientsPerProcess = count('clientsPerProcess', options.clientsPerProcess ?? 1, 1);
  if (clientsPerProcess > clients)
    throw new RangeError(
      `runChaos: "clientsPerProcess" must be at most "clients" (${clients}), got ${clientsPerProcess}`,
    );
  if (clientsPerProcess > 1 && processes === 'child')
    throw new RangeError('runChaos: "clientsPerProcess" above 1 needs processes inline');
  if (faults.includes('multiSlot') && lock.multiKey !== true)
    throw new RangeError(
      `runChaos: lock ${lock.name} cannot lock several keys at once; multiSlot needs multiKey`,
    );
  if (processes === 'child' && !lock.child)
    throw new RangeError(`runChaos: lock ${lock.name} has no child spec; processes child needs one`);
  for (const path of options.requirePaths ?? [])
    if (!PATH_NAMES.includes(path))
      throw new RangeError(
        `runChaos: unknown path ${String(path)} in "requirePaths" (${PATH_NAMES.join(', ')})`,
      );
  const { limit, sharedRatio } = resolveModes(options, lock, topology, faults);
  return {
    lock,
    backend,
    topology,
    clients,
    clientsPerProcess,
    operations: count('operations', options.operations ?? 50, 1),
    runs: count('runs', options.runs ?? 100, 1),
    seed: options.seed,
    path: options.path,
    replayPath: options.replayPath,
    faults,
    bounds: options.bounds ?? 'within',
    ttl: ttlRange(options.ttl ?? DEFAULT_TTL[backend], count),
    contention: options.contention ?? true,
    processes,
    client,
    shrink: options.shrink ?? backend === 'mock',
    limit,
    sharedRatio,
    onProgress: options.onProgress,
    requirePaths: options.requirePaths,
  };
}

/** `limit` and `sharedRatio`, checked against each other, the lock and the topology. */
function resolveModes(
  options: ChaosOptions,
  lock: LockAdapter,
  topology: ChaosTopology,
  faults: readonly ChaosFault[],
): { limit: number; sharedRatio: number } {
  const limit = options.limit ?? 1;
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`runChaos: "limit" must be an integer >= 1, got ${limit}`);
  const sharedRatio = options.sharedRatio ?? 0;
  if (typeof sharedRatio !== 'number' || !(sharedRatio >= 0 && sharedRatio <= 1))
    throw new RangeError(`runChaos: "sharedRatio" must be a number from 0 to 1, got ${String(sharedRatio)}`);
  if (limit === 1 && sharedRatio === 0) return { limit, sharedRatio };
  if (limit > 1 && sharedRatio > 0)
    throw new RangeError(
      'runChaos: "limit" and "sharedRatio" cannot be combined: a key is either a semaphore or a read-write lock',
    );
  const what = limit > 1 ? `limit ${limit}` : `sharedRatio ${sharedRatio}`;
  if (lock.modes !== true || !lock.holdersKey)
    throw new RangeError(
      `runChaos: lock ${lock.name} has no counted modes (modes, holdersKey); ${what} needs them`,
    );
  if (topology === 'quorum3' || topology === 'quorum5')
    throw new RangeError(
      `runChaos: ${what} needs a single node or the Cluster; quorum locks are exclusive only`,
    );
  if (topology === 'cluster' && faults.includes('multiSlot'))
    throw new RangeError(`runChaos: ${what} cannot lock across Cluster slots; leave out the multiSlot fault`);
  return { limit, sharedRatio };
}

/** A fixed ttl as a range of one value; checks both ends (integers, at least 50 ms, `min <= max`). */
function ttlRange(
  ttl: number | TtlRange,
  count: (name: string, value: number, min: number) => number,
): TtlRange {
  if (typeof ttl === 'number') {
    const fixed = count('ttl', ttl, 50);
    return { min: fixed, max: fixed };
  }
  const min = count('ttl.min', ttl.min, 50);
  const max = count('ttl.max', ttl.max, 50);
  if (max < min) throw new RangeError(`runChaos: "ttl" range must have min <= max, got ${min}..${max}`);
  return { min, max };
}

/**
 * A ttl option as the CLI writes it: `1000`, or `100..3000` for a range.
 *
 * @example
 * ```ts
 * formatTtl({ min: 100, max: 3000 }) // '100..3000'
 * ```
 */
export function formatTtl(ttl: TtlRange): string {
  return ttl.min === ttl.max ? String(ttl.min) : `${ttl.min}..${ttl.max}`;
}
