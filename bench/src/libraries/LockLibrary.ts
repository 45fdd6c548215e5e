/** Releases a lock that a {@link LockClient} granted. */
export type Release = () => Promise<unknown>;

/**
 * How one acquire takes its key: the exclusive lock (no mode, or `{}`), one of `limit` permits (a counting
 * semaphore), or a read share (`shared: true`). Every holder of a key uses the same mode, as the scenario says.
 *
 * @example
 * ```ts
 * const release = await client.acquire('bench:semaphore:measure', { limit: 4 })
 * ```
 */
export interface AcquireMode {
  readonly limit?: number;
  readonly shared?: boolean;
}

/** One benchmark client: a Redis connection plus one lock library instance on it. */
export interface LockClient {
  /**
   * Waits until `key` is held in `mode` (default: exclusive) and resolves with the function that releases it.
   * @throws {@link UnsupportedModeError} for a mode the library has not.
   */
  acquire(key: string, mode?: AcquireMode): Promise<Release>;
  /** Releases everything the client holds and closes its connection. */
  close(): Promise<void>;
}

/** A lock implementation under test, as the benchmark drives it. */
export interface LockLibrary {
  /** Stable id used on the command line and in worker messages. */
  readonly id: LibraryId;
  /** The name printed in tables and charts. */
  readonly name: string;
  /** A measuring stick written for the benchmark (raw, fenced or FIFO floor), not a peer library. */
  readonly floor: boolean;
  /** The Redis client it runs on: every peer and floor on ioredis; deadbolt and the raw floor also on node-redis. */
  readonly client: 'ioredis' | 'node-redis';
  /** The settings used, in words, for the report. */
  readonly settings: string;
  /** The settings on several independent masters (Redlock quorum), in words; absent when it has no such mode. */
  readonly quorumSettings?: string;
  /**
   * Opens a client on the Redis at `redisUrls[0]`, or, given several URLs, on those independent masters in
   * quorum mode (only when {@link LockLibrary.quorumSettings} is set).
   */
  connect(redisUrls: readonly string[]): Promise<LockClient>;
}

/** Ids of the benchmarked implementations, in report order. */
export const LIBRARY_IDS = [
  'raw',
  'fenced',
  'fifo',
  'raw-node-redis',
  'deadbolt',
  'deadbolt-node-redis',
  'deadbolt-mutex',
  'redlock',
  'redis-semaphore',
] as const;

/** The id of one benchmarked implementation. */
export type LibraryId = (typeof LIBRARY_IDS)[number];

/** Lease length used everywhere, in ms. */
export const BENCH_TTL_MS = 10_000;

/**
 * A library was asked for a semaphore permit or a read share that it does not have (a scenario listing the
 * wrong library); the worker counts it as an error, so the table shows it.
 *
 * @example
 * ```ts
 * if (mode?.shared) throw new UnsupportedModeError('redlock', mode)
 * ```
 */
export class UnsupportedModeError extends Error {
  readonly code = 'ERR_BENCH_MODE';

  constructor(library: string, mode: AcquireMode) {
    super(
      `${library} has no ${mode.shared === true ? 'read-write lock' : `semaphore (limit ${mode.limit})`}`,
    );
    this.name = 'UnsupportedModeError';
  }
}

/**
 * Rejects every mode but the exclusive lock (`limit` 1 counts as exclusive), for libraries that have only that.
 * @throws {@link UnsupportedModeError}
 *
 * @example
 * ```ts
 * requireExclusive('the raw floor', mode)
 * ```
 */
export function requireExclusive(library: string, mode: AcquireMode | undefined): void {
  if (mode?.shared === true || (mode?.limit ?? 1) > 1) throw new UnsupportedModeError(library, mode ?? {});
}
