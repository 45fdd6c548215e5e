/** The locks the scenario compares: deadbolt with its defaults, and the raw floor (`SET NX PX` + DEL script). */
export const PIPELINING_LOCKS = ['raw', 'deadbolt'] as const;

/** One of {@link PIPELINING_LOCKS}. */
export type PipeliningLock = (typeof PIPELINING_LOCKS)[number];

/** One measured configuration: a lock on one ioredis connection, with or without `enableAutoPipelining`. */
export interface PipeliningVariant {
  readonly lock: PipeliningLock;
  readonly autoPipelining: boolean;
}

/**
 * The variants in the order a round runs them (the next round in reverse): the raw floor and deadbolt, each
 * without and then with auto-pipelining, so that the windows compared are close in time.
 */
export const PIPELINING_VARIANTS: readonly PipeliningVariant[] = PIPELINING_LOCKS.flatMap((lock) =>
  [false, true].map((autoPipelining) => ({ lock, autoPipelining })),
);

/** What the concurrent-acquires worker runs (`pnpm bench --pipelining`). */
export interface PipeliningPlan {
  readonly redisUrl: string;
  /** Concurrent acquire/release loops in the one process, each on a key of its own. */
  readonly loops: number;
  /**
   * Measured rounds; each runs every variant once, in {@link PIPELINING_VARIANTS} order (odd rounds in reverse),
   * after one more round that is not kept (it warms the process up).
   */
  readonly rounds: number;
  /** Unmeasured loops before each window (new connection, scripts loaded, JIT warm), in ms. */
  readonly warmupMs: number;
  /** Measured window per variant per round, in ms. */
  readonly windowMs: number;
}

/** One variant's measurements, summed over the rounds. */
export interface PipeliningRow extends PipeliningVariant {
  /** Acquire/release cycles completed (those that began in the windows). */
  readonly cycles: number;
  /** Σ of the windows, from the first acquire to the last release, in ms. */
  readonly elapsedMs: number;
  /** Cycles per second in each round's window, in round order (for ratios paired by round). */
  readonly roundCyclesPerSec: readonly number[];
  /** Commands the client sent (ioredis `sendCommand` calls on the connection). */
  readonly clientCommands: number;
  /** Commands Redis ran, script-internal ones included (`INFO commandstats` delta, the bench's INFO excluded). */
  readonly redisCommands: number;
  /** `write` calls on the connection's socket. */
  readonly socketWrites: number;
  /** CPU time of the client process (user + system), in µs. */
  readonly clientCpuMicros: number;
  /** CPU time of the redis-server (user + system, `INFO cpu`), in µs. */
  readonly redisCpuMicros: number;
  /** Time from calling acquire to holding the lock, in ms: median and 99th percentile over every cycle. */
  readonly acquireP50Ms: number;
  readonly acquireP99Ms: number;
  readonly errors: number;
  readonly firstError?: string;
}

/** What the concurrent-acquires worker measured. */
export interface PipeliningResult {
  readonly plan: Omit<PipeliningPlan, 'redisUrl'>;
  /** One row per variant, in {@link PIPELINING_VARIANTS} order. */
  readonly rows: readonly PipeliningRow[];
}

/** `count` per cycle of `row` (NaN when it completed none). */
export function perCycle(row: PipeliningRow, count: number): number {
  return row.cycles > 0 ? count / row.cycles : Number.NaN;
}

/** Cycles per second of `row` (or of one window) over its windows. */
export function cyclesPerSecond(row: Pick<PipeliningRow, 'cycles' | 'elapsedMs'>): number {
  return row.elapsedMs > 0 ? row.cycles / (row.elapsedMs / 1000) : Number.NaN;
}
