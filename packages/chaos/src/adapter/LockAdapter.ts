import type { RedisConnection } from '@deadbolt/core';
import type { Cluster, Redis } from 'ioredis';
import type { ChaosClientLibrary } from '../real/clientLibraries.js';
import type { TtlRange } from '../options.js';
import type { PathName } from '../paths/pathCounts.js';
import type { ChildLockSpec } from './ChildLockSpec.js';

/** What the harness asks of one acquire. */
export interface AdapterAcquireOptions {
  /** Lease length in ms. */
  readonly ttl: number;
  /** How long to wait for a busy lock in ms; 0 = one attempt. */
  readonly wait: number;
  readonly signal?: AbortSignal;
  /**
   * One of `limit` permits of the key (a counting semaphore); every acquire of a run asks the same limit. Absent:
   * the exclusive lock (limit 1). See {@link AcquireMode}.
   */
  readonly limit?: number;
  /** A read share: any number of shared holders together, or one exclusive holder. Absent: exclusive. */
  readonly shared?: boolean;
}

/**
 * The mode of one acquire, as the harness passes it (only what differs from the mutex is present): `{}` exclusive,
 * `{ limit: 3 }` one of 3 permits, `{ shared: true }` a read share. A lock that knows no modes may ignore it only if
 * the run keeps the defaults (`limit` 1, `sharedRatio` 0).
 *
 * @example
 * ```ts
 * const mode: AcquireMode = { shared: true }
 * await client.acquire('resource', { ttl: 1000, wait: 0, ...mode })
 * ```
 */
export type AcquireMode = Pick<AdapterAcquireOptions, 'limit' | 'shared'>;

/**
 * A granted lock as the harness sees it. The client believes it holds the lock while it has not released it,
 * `signal` (if any) has not aborted and `remaining()` (if any) is above 0.
 */
export interface LockHandle {
  /** The owner token: exactly the value the lock stores at its lease key. */
  readonly token: string;
  /** The fencing token, if the lock issues one. */
  readonly fence?: number;
  /** Aborts when the holder can no longer trust it holds the lock. */
  readonly signal?: AbortSignal;
  /** Trusted validity left, in ms of the client's clock. */
  remaining?(): number;
  release(): Promise<unknown>;
  /** Extends the lease; rejects when the lock is no longer held. */
  extend(ttl?: number): Promise<unknown>;
}

/** One client process's lock (e.g. one `Locker`). */
export interface LockClient {
  /** Resolves a handle, or `null` (or rejects with a busy error, see {@link LockAdapter.isBusy}) when busy. */
  acquire(key: string, options: AdapterAcquireOptions): Promise<LockHandle | null>;
  /**
   * Locks several keys together, under one token and one fence (a lock with {@link LockAdapter.multiKey}); the
   * handle's token is the value at the first key's lease. Default: none.
   */
  acquireAll?(keys: readonly string[], options: AdapterAcquireOptions): Promise<LockHandle | null>;
  /** Stops every timer and releases what it holds; the process is going away. */
  close(): Promise<void>;
  /**
   * Counters of the lock's own (grants, hand-overs, retries...), read once at the end of each schedule (after
   * `close`) and summed into `statistics.lock`: what only the lock can tell. Default: none.
   */
  stats?(): Readonly<Record<string, number>>;
}

/** What the harness hands each client it connects. */
export interface ClientContext {
  /**
   * The client's own connection; every command on it passes through the fault injector. On the `redis` backend:
   * the first node's connection (on the cluster topology, the ioredis `Cluster`).
   */
  readonly redis: Redis;
  /**
   * What to lock with, for locks that span nodes: one `Redis` (single node, the mock), an array of one per master
   * (quorum topologies) or a `Cluster`. Default: `redis`.
   */
  readonly target?: Redis | Redis[] | Cluster;
  /**
   * `redis` backend: the client library the run asked for (`client` option, default `ioredis`) and, when it is not
   * ioredis, the lock's connection(s) made with it through the same proxies: a node-redis or iovalkey client, an
   * array of one per master (quorum) or a Cluster, ready for `createLocker`.
   */
  readonly client?: { readonly library: ChaosClientLibrary; readonly connection?: RedisConnection };
  /** `redis` backend: where the client's fault proxies listen, one per node, for a lock that connects itself. */
  readonly endpoints?: readonly { readonly host: string; readonly port: number }[];
  /** The client's monotonic clock, in ms (drifts and jumps under clock faults). */
  readonly now: () => number;
  /** A seeded random source, for tokens and jitter that must replay. */
  readonly random: () => number;
  /** The client's number, from 0. */
  readonly id: number;
}

/**
 * A lock under test. Implement it to check your own lock; `deadboltAdapter()` is built in.
 *
 * @example
 * ```ts
 * const mine: LockAdapter = {
 *   name: 'mine', driftFactor: 0.01, renews: false, retryBound: () => 200, keyLifetime: (ttl) => ttl,
 *   leaseKey: (key) => `lock:${key}`,
 *   connect: ({ redis }) => new MyLockClient(redis),
 * }
 * ```
 */
export interface LockAdapter {
  readonly name: string;
  /** Clock drift the lock tolerates, as a fraction of ttl; larger drift counts as beyond the bounds. */
  readonly driftFactor: number;
  /** Whether a held lock renews its lease by itself. */
  readonly renews: boolean;
  /** Longest a free lock may keep refusing a healthy waiter, in ms. */
  retryBound(ttl: number): number;
  /**
   * How much longer than {@link LockAdapter.retryBound} a free lock may keep refusing a healthy waiter after a
   * Redis server's wall clock stepped back (the `clockStep` fault), counted from the step, in ms: the time the lock
   * takes to tell state written before the step (a dead waiter's queue entry) from live state. Default `0`.
   */
  readonly clockStepSlack?: number;
  /** How long any key of the lock may outlive its last use, in ms (no key may remain after it). */
  keyLifetime(ttl: number): number;
  /** The Redis key whose value is the owner token (of an exclusive holder). */
  leaseKey(key: string): string;
  /**
   * Counted modes (`limit` above 1, shared acquires): the Redis sorted set of the key's holders, each member an
   * owner token scored by its lease deadline in server ms (deadbolt's layout). The harness reads it to tell which
   * believed holders the server still counts. Needed for runs with `limit` or `sharedRatio`. Default: none.
   */
  holdersKey?(key: string): string;
  /** Whether the lock takes `limit` and `shared` acquires (see {@link AcquireMode}). Default `false`. */
  readonly modes?: boolean;
  /**
   * Whether a grant and each renewal are trusted only once the master's replica has them (deadbolt's `replicas`
   * option), so that a failover to that replica keeps mutual exclusion and fence order. Without it, the `failover`
   * fault is beyond the lock's bounds (an acknowledged grant the replica had not received is lost). Default `false`.
   */
  readonly replicaConfirmed?: boolean;
  /**
   * Whether the lock serves waiters in arrival order (a fair queue): the checker then holds exclusive runs to
   * arrival order too (L6), as it always does counted ones. Not held to on a quorum of masters, where waiters
   * are not queued (deadbolt queues on a single node or Cluster slot only). Default `false`.
   */
  readonly fair?: boolean;
  /**
   * The Redis keys of user key `key` that the lock means to keep without a TTL, such as a fence counter that must
   * never restart. S5 (a key without a TTL) and L4 (keys left behind) leave exactly these alone. Default: none.
   */
  persistentKeys?(key: string): readonly string[];
  connect(context: ClientContext): LockClient;
  /** Whether a rejected acquire definitely did not take the lock (busy); other errors count as unknown. */
  isBusy?(error: unknown): boolean;
  /**
   * Whether one acquire can lock several keys at once (`acquire([a, b])`, one token and one fence for all):
   * its clients implement {@link LockClient.acquireAll}; needed for the `multiSlot` steps. Default `false`.
   */
  readonly multiKey?: boolean;
  /** How a child process rebuilds this lock (built-in locks only): needed for `processes: 'child'`. */
  readonly child?: ChildLockSpec;
  /**
   * The paths the lock claims to have, for a run whose ttls span `ttl`: a run that requires a claimed path (see
   * `ChaosOptions.requirePaths`) and never exercised it is inconclusive. Default `['grant']` (every lock grants).
   */
  paths?(ttl: TtlRange): readonly PathName[];
}
