/** What the many-held-locks worker runs (`pnpm bench --held`). */
export interface HeldPlan {
  readonly redisUrl: string;
  /** How many locks one process holds, one measurement each. */
  readonly counts: readonly number[];
  /** ttl of the held locks, in ms (renewal on). */
  readonly ttlMs: number;
  /** How long the held locks are watched once their renewals are aligned, in ms (renewal cost, no other load). */
  readonly holdMs: number;
  /** How long acquire/release of other keys runs, with the locks held and with none, in ms. */
  readonly throughputMs: number;
  /** Loops acquiring and releasing other keys during the throughput window, each on a key of its own. */
  readonly loops: number;
}

/** One count's measurements. */
export interface HeldRow {
  readonly locks: number;
  /** Time to acquire them all (512 acquires in flight), in ms. */
  readonly acquireMs: number;
  /** Heap growth after GC from holding them, per lock, in bytes. */
  readonly heapPerLock: number;
  /** The watch window, in ms. */
  readonly windowMs: number;
  /** Renewal scripts (`EXTEND`/`EXTEND_MANY`) sent in the watch window. */
  readonly renewalScripts: number;
  /** Lease extensions confirmed in the watch window. */
  readonly renewals: number;
  /** Client CPU (user + system) in the watch window, as a share of one core. */
  readonly clientCpu: number;
  /** Redis CPU (user + system) in the watch window, as a share of one core. */
  readonly redisCpu: number;
  /** Largest gap between two confirmed renewals of one lock beyond the renewal period, in ms. */
  readonly maxLatenessMs: number;
  /** Locks told lost while held. */
  readonly lost: number;
  /** The first loss's reason and message, when one was. */
  readonly firstLoss?: string;
  /** Renewal attempts that failed so far in the run (each is retried while its lease is valid). */
  readonly renewFailures: number;
  readonly firstRenewFailure?: string;
  /** Acquire/release cycles per second of the other keys while these locks are held. */
  readonly cyclesPerSec: number;
  /**
   * The same with no lock held, right before these locks were acquired and right after they were released
   * (absent from a record made before they were measured: its rows compare to `baselineCyclesPerSec`).
   */
  readonly noneHeldBefore: number;
  readonly noneHeldAfter: number;
  readonly errors: number;
  readonly firstError?: string;
}

/** What the many-held-locks worker measured. */
export interface HeldResult {
  readonly plan: Omit<HeldPlan, 'redisUrl'>;
  /** The renewal period of a held lock, ⌊(ttl − drift) / 3⌋, in ms. */
  readonly periodMs: number;
  /** Acquire/release cycles per second of the other keys with no lock held (the mean of every row's two). */
  readonly baselineCyclesPerSec: number;
  readonly rows: readonly HeldRow[];
}

/**
 * Renewal scripts per 100 held locks per renewal period: every held lock renews once a period, so this is the
 * scripts per 100 renewals confirmed in the watch window (whatever part of a period the window ends in).
 */
export function scriptsPer100PerPeriod(row: HeldRow): number {
  return row.renewals === 0 ? Number.NaN : (row.renewalScripts / row.renewals) * 100;
}

/**
 * The row's cycles beside its held locks as a share of the cycles with none held: the mean of the row's runs
 * right before and right after (or, for a record made before those were measured, the run's one baseline).
 */
export function throughputRatio(row: HeldRow, result: HeldResult): number {
  const { noneHeldBefore, noneHeldAfter } = row as Partial<HeldRow>;
  const noneHeld =
    noneHeldBefore !== undefined && noneHeldAfter !== undefined
      ? (noneHeldBefore + noneHeldAfter) / 2
      : result.baselineCyclesPerSec;
  return row.cyclesPerSec / noneHeld;
}
