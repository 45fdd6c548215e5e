import type { Lock } from '../lease/Lock.js';
import type { LockLostError } from '../errors/LockLostError.js';

/**
 * Options of {@link createLocker}. Every field is optional; the defaults are listed per field.
 *
 * @example
 * ```ts
 * const locker = createLocker(redis, { prefix: 'shop', ttl: 5_000, wait: 2_000 })
 * ```
 */
export interface LockerOptions {
  /** Namespace of every Redis key the locker writes. Default `'deadbolt'`. */
  readonly prefix?: string;
  /** Lease length in ms, an integer of at least `MIN_TTL_MS` (10; see its TSDoc). Default `10_000`. */
  readonly ttl?: number;
  /** How long `acquire` waits for a busy lock, in ms; `0` makes one attempt. Default `10_000`. */
  readonly wait?: number;
  /** Keep the lease alive with a watchdog while the lock is held. Default `true`. */
  readonly renew?: boolean;
  /** Serve waiters in arrival order (FIFO). Default `true`. */
  readonly fair?: boolean;
  /** Clock drift allowance as a fraction of `ttl`; the drift is `floor(ttl × driftFactor) + 2` ms. Default `0.01`. */
  readonly driftFactor?: number;
  /**
   * Bound on every Redis round trip in ms: a command without a reply by then fails with `LockRedisError`, and
   * a command is never queued while the connection is down. Default `1_000`.
   */
  readonly commandTimeout?: number;
  /**
   * Trust a grant, and each renewal, only once `replicas.wait` replicas acknowledged it (`WAIT`, on the same
   * connection, right after the script). An unconfirmed grant is released and the acquire rejects with
   * `LockReplicationError`; an unconfirmed renewal counts as a failed one. On one Redis (ioredis, iovalkey,
   * node-redis) and on an ioredis or iovalkey Cluster, where `WAIT` follows each script on the connection to
   * its slot's master (a lock across slots: every involved master confirms). A quorum, and a node-redis or
   * GLIDE Cluster, refuse it with `LockConfigError`. Default: off (a grant is trusted once the master answers;
   * see docs/topologies.md for what a failover can then lose).
   *
   * @example
   * ```ts
   * createLocker(new Cluster(nodes), { replicas: { wait: 1, timeout: 50 } })
   * ```
   */
  readonly replicas?: ReplicaOptions;
  /** Called once when a held lock is lost (see {@link LockLostError}). Default: none. */
  readonly onLockLost?: (error: LockLostError, lock: Lock) => void;
  /**
   * Where deadbolt reports what no caller can be told: a lost lock, a failed cleanup, a throwing `onLockLost`.
   * `console`, pino and winston fit. Default: none (silent; listen to the events instead).
   */
  readonly logger?: LockLogger;
  /**
   * The monotonic clock, in ms. Default `performance.now`. Only a test harness that simulates clock drift
   * needs to change it.
   */
  readonly now?: () => number;
}

/**
 * The `replicas` option of {@link LockerOptions}: how many replicas must acknowledge a grant or a renewal, and how
 * long to wait for them.
 *
 * @example
 * ```ts
 * createLocker(redis, { replicas: { wait: 1, timeout: 50 } })
 * ```
 */
export interface ReplicaOptions {
  /** How many replicas must acknowledge, an integer of at least 1 (`WAIT`'s numreplicas). Required. */
  readonly wait: number;
  /**
   * How long `WAIT` may block, in ms, a positive integer (`WAIT` with 0 would block forever, so 0 is refused).
   * The connection runs nothing else meanwhile, and the time counts against the grant's validity. Default `100`.
   */
  readonly timeout?: number;
}

/**
 * A logger deadbolt can write to: `console`, pino and winston fit.
 *
 * @example
 * ```ts
 * createLocker(redis, { logger: console })
 * ```
 */
export interface LockLogger {
  warn(message: string, ...details: unknown[]): void;
  error(message: string, ...details: unknown[]): void;
}

/**
 * Per-call options of `acquire`, `tryAcquire` and `using`. Unset fields fall back to the locker's options.
 *
 * @example
 * ```ts
 * await locker.acquire('order:42', { ttl: 30_000, wait: 0, signal: AbortSignal.timeout(1_000) })
 * ```
 */
export interface AcquireOptions {
  /** Lease length in ms, at least `MIN_TTL_MS` (10). Default: the locker's `ttl` (`10_000`). */
  readonly ttl?: number;
  /** How long to wait for a busy lock in ms; `0` makes one attempt. Default: the locker's `wait` (`10_000`). */
  readonly wait?: number;
  /** Cancels the acquire: it rejects with `signal.reason` and leaves nothing in Redis. Default: none. */
  readonly signal?: AbortSignal;
  /**
   * Whether `signal` interrupts the first attempt while its command is in flight. `false` lets that one round
   * trip (bounded by `commandTimeout`) answer first and adds no abort listener for it; if `signal` aborted
   * meanwhile, a grant is released and the acquire rejects with `signal.reason`. From the first refusal on,
   * `signal` interrupts at once either way. For hot paths where most acquires are granted at once (one acquire
   * per HTTP request: `@deadbolt/http` sets it). Default `true`.
   */
  readonly interruptFirstAttempt?: boolean;
  /** Keep the lease alive while held. Default: the locker's `renew` (`true`). */
  readonly renew?: boolean;
  /** Wait in arrival order. Default: the locker's `fair` (`true`). */
  readonly fair?: boolean;
  /**
   * Take one of `limit` permits of the key (a counting semaphore): an integer from 1 to `MAX_LIMIT`
   * (1 000 000); `limit: 1` admits one holder at a time, as the mutex does. Every holder of a key must use the same limit:
   * another one while permits are held rejects with `LockModeError` (a `LockConfigError`, code
   * `ERR_LOCK_MODE`). Not with `shared`. Default: none (the exclusive lock).
   */
  readonly limit?: number;
  /**
   * Take a read share: any number of shared holders together, or one exclusive holder (an acquire without
   * `shared` or `limit`). Waiters are served in arrival order across modes; readers at the head of the queue
   * are granted together, and a waiting exclusive request blocks later readers. Not with `limit`.
   * Default `false` (exclusive).
   */
  readonly shared?: boolean;
}
