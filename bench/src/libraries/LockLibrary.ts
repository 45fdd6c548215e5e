/** Releases a lock that a {@link LockClient} granted. */
export type Release = () => Promise<unknown>;

/** One benchmark client: a Redis connection plus one lock library instance on it. */
export interface LockClient {
  /** Waits until `key` is held and resolves with the function that releases it. */
  acquire(key: string): Promise<Release>;
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
  'redlock',
  'redis-semaphore',
] as const;

/** The id of one benchmarked implementation. */
export type LibraryId = (typeof LIBRARY_IDS)[number];

/** Lease length used everywhere, in ms. */
export const BENCH_TTL_MS = 10_000;
