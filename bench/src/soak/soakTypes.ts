/** What the soak worker runs. */
export interface SoakPlan {
  readonly redisUrl: string;
  /** Acquire/release cycles measured (after the warm-up). */
  readonly cycles: number;
  /** Loops that acquire and release at once, each on a key of its own, with the locker's defaults. */
  readonly concurrency: number;
  /** Loops that hold each lock long enough for renewal to fire (short ttl), each on a key of its own. */
  readonly renewing: number;
  /** Cycles run before the first sample, so fence counters exist and the code is warm. */
  readonly warmupCycles: number;
  /** Samples taken over the measured cycles, evenly spaced; the last is the "after". */
  readonly samples: number;
}

/** The state of the soak worker at a quiet moment (every loop idle), after `global.gc()`. */
export interface SoakSample {
  /** Measured cycles done when the sample was taken. */
  readonly cycles: number;
  readonly elapsedMs: number;
  /** `process.memoryUsage().heapUsed` after a full GC, in bytes. */
  readonly heapUsed: number;
  /** Σ listeners over every event of the locker. */
  readonly lockerListeners: number;
  /** Σ listeners over every event of the ioredis client. */
  readonly clientListeners: number;
  /** Σ listeners over every event of the client's socket. */
  readonly socketListeners: number;
  /** `process.getActiveResourcesInfo()` counted by type (`Timeout`, `TCPSocketWrap`, …). */
  readonly resources: Readonly<Record<string, number>>;
  /** Redis `DBSIZE`. */
  readonly dbsize: number;
  /** Locks the locker still holds. */
  readonly held: number;
}

/** What the soak measured. */
export interface SoakResult {
  readonly plan: Omit<SoakPlan, 'redisUrl'>;
  /** Hold time and ttl of the renewing loops, in ms. */
  readonly renewHoldMs: number;
  readonly renewTtlMs: number;
  /** Lease extensions made by renewal during the measured cycles. */
  readonly renewals: number;
  /** Cycles that ended in a renewing lock's hold. */
  readonly renewingCycles: number;
  readonly errors: number;
  readonly firstError?: string;
  readonly durationMs: number;
  /** After the warm-up, before the measured cycles. */
  readonly before: SoakSample;
  /** Every sample, evenly spaced over the measured cycles; the last one is the "after". */
  readonly samples: readonly SoakSample[];
}

/** Number of active resources of `type` in a sample. */
export function resourceCount(sample: SoakSample, type?: string): number {
  const entries = Object.entries(sample.resources);
  return entries.filter(([name]) => type === undefined || name === type).reduce((sum, [, n]) => sum + n, 0);
}
