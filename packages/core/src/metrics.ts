import type { LockerEvents } from './events.js';

/** Upper bounds (ms) of the wait and hold histograms' buckets; the last bucket is everything above. */
export const HISTOGRAM_BUCKETS_MS: readonly number[] = [
  1, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000,
];

/**
 * A fixed-bucket histogram, ready for Prometheus (`le` buckets) or OpenTelemetry (explicit bucket
 * boundaries). `counts[i]` counts the observations ≤ `buckets[i]` (cumulative); `counts[buckets.length]` counts
 * all of them.
 */
export interface Histogram {
  readonly buckets: readonly number[];
  readonly counts: readonly number[];
  readonly count: number;
  readonly sum: number;
}

/**
 * A snapshot of a locker's counters and timings since it was created. Memory is constant: counters and
 * fixed buckets only, no per-call history.
 *
 * @example
 * ```ts
 * const m = locker.metrics()
 * gauge.set(m.held); counter.inc(m.lost); // feed your Prometheus or OpenTelemetry instruments
 * ```
 */
export interface LockerMetrics {
  /** Acquires (`acquire`, `tryAcquire`, `using`) that got their lock, one per call however long it waited. */
  readonly acquired: number;
  /**
   * Acquires that gave up because the lock stayed held for their whole `wait` (`LockBusyError`, or `null` from
   * `tryAcquire`), one per call. An acquire that waited and got the lock is `acquired` only; one aborted by its
   * signal, or failed by Redis, is neither.
   */
  readonly busy: number;
  /** Locks released by their holder while it still held them (a lost lock released later counts as `lost`). */
  readonly released: number;
  /**
   * Held locks that were lost (`LockLostError` reasons): `expired` (not renewed within its validity), `stolen`
   * (Redis no longer had the lease), `closed` (the locker closed while it was held).
   */
  readonly lost: number;
  /** Leases extended, by the renewal watchdog or `extend()`. */
  readonly extended: number;
  /** Renewal attempts that failed (each is retried while the lease is still valid). */
  readonly renewFailed: number;
  /** Redis calls that failed where no caller could be told: a clean-up, the release at the end of `using`. */
  readonly redisErrors: number;
  /** Locks held right now: `acquired − released − lost`, less the releases that failed on Redis. */
  readonly held: number;
  /** Time from calling acquire to holding the lock, in ms, one observation per `acquired`. */
  readonly waitMs: Histogram;
  /** Time from the grant to the release or loss, in ms, one observation per `released` or `lost`. */
  readonly holdMs: Histogram;
}

/**
 * Counts what a locker does, listened to or not: `record` for every event the locker emits, and `acquired` and
 * `released` where those happen (the locker builds their event objects only for listeners).
 */
export class MetricsRecorder {
  readonly #counts = {
    acquired: 0,
    busy: 0,
    released: 0,
    lost: 0,
    extended: 0,
    renewFailed: 0,
    redisErrors: 0,
  };
  readonly #wait = new HistogramRecorder();
  readonly #hold = new HistogramRecorder();

  record<E extends keyof LockerEvents>(event: E, info: LockerEvents[E][0]): void {
    switch (event) {
      case 'busy':
        this.#counts.busy += 1;
        break;
      case 'lost':
        this.#counts.lost += 1;
        this.#hold.observe((info as LockerEvents['lost'][0]).heldFor);
        break;
      case 'extended':
        this.#counts.extended += 1;
        break;
      case 'renewFailed':
        this.#counts.renewFailed += 1;
        break;
      case 'redisError':
        this.#counts.redisErrors += 1;
        break;
    }
  }

  /** Records an `acquired` event: a grant after `waited` ms (the locker's hot path, without the event's object). */
  acquired(waited: number): void {
    this.#counts.acquired += 1;
    this.#wait.observe(waited);
  }

  /** Records a `released` event: held `heldFor` ms; a lock released after its loss was counted when it was lost. */
  released(heldFor: number, wasLost: boolean): void {
    if (wasLost) return;
    this.#counts.released += 1;
    this.#hold.observe(heldFor);
  }

  snapshot(held: number): LockerMetrics {
    return { ...this.#counts, held, waitMs: this.#wait.snapshot(), holdMs: this.#hold.snapshot() };
  }
}

class HistogramRecorder {
  readonly #counts = new Array<number>(HISTOGRAM_BUCKETS_MS.length + 1).fill(0);
  #sum = 0;

  observe(ms: number): void {
    // A loop, not `findIndex`: no closure per observation (two per grant: its wait and its hold).
    let bucket = 0;
    while (bucket < HISTOGRAM_BUCKETS_MS.length && !(ms <= (HISTOGRAM_BUCKETS_MS[bucket] ?? 0))) bucket += 1;
    this.#counts[bucket] = (this.#counts[bucket] ?? 0) + 1;
    this.#sum += ms;
  }

  snapshot(): Histogram {
    let running = 0;
    const counts = this.#counts.map((n) => (running += n));
    return { buckets: HISTOGRAM_BUCKETS_MS, counts, count: running, sum: this.#sum };
  }
}
