import type { LockTarget } from '../keys/target.js';
import type { RenewalRequest } from '../lease/RenewalBatcher.js';

/** A granted attempt. */
export interface Granted {
  readonly granted: true;
  /** The fencing token of this grant. */
  readonly fence: number;
}

/** A refused attempt. */
export interface Refused {
  readonly granted: false;
  /** The longest remaining lease of another holder in ms; -1 when unknown or when only the queue blocked. */
  readonly holderTtl: number;
  /**
   * For an attempt that accepts hand-overs (single-node backends): the highest fence the lock's keys had when
   * it was refused. A hand-over fenced above it came after this attempt; any other is stale.
   */
  readonly seenFence?: number;
}

/** One attempt's answer. */
export type AttemptResult = Granted | Refused;

/** Parameters of one acquire attempt. */
export interface AttemptRequest {
  readonly target: LockTarget;
  readonly token: string;
  readonly ttl: number;
  readonly fair: boolean;
  /** Whether a refused attempt joins the queue (an acquire that may wait; its entry lives `QUEUE_ENTRY_MS`). */
  readonly wait: boolean;
  /** Whether an earlier attempt of this acquire may have queued it (default `true`: clean the queue). */
  readonly queued?: boolean;
  /** Whether a release may grant this waiter the lock directly (default `false`; single-node backends only). */
  readonly handOver?: boolean;
}

/**
 * The topology seam: one Redis, N independent masters, or a Cluster. Every method is one round trip per node,
 * bounded in time, and rejects with a `LockError` subclass.
 */
export interface LockBackend {
  /** Whether wake-ups are published with SPUBLISH (Cluster) rather than PUBLISH. */
  readonly sharded: boolean;
  /**
   * Whether `extend` calls made in one turn of the event loop share round trips (renewal batches). The locker
   * then aligns renewals of equal periods to the same moments (see `RenewalSchedule`), so they batch.
   */
  readonly batchesRenewals?: boolean;
  attempt(request: AttemptRequest): Promise<AttemptResult>;
  /** Resolves `true` when the lease was extended, `false` when it is no longer held by `token`. */
  extend(target: LockTarget, token: string, ttl: number): Promise<boolean>;
  /**
   * `extend` without a promise, for a backend that batches renewals: `request` joins the next batch and is told
   * its answer later (never before this returns); returns `false` when this backend does not take it (then
   * `extend` is used). A held lock sends the same request object at each renewal.
   */
  renewLater?(request: RenewalRequest): boolean;
  /**
   * Releases what `token` holds and leaves the queues; resolves whether every key was still held. `contended`:
   * the lock was waited for, so the release probably wakes a waiter (a backend may then order its answer after
   * the wake-up).
   */
  release(target: LockTarget, token: string, queued?: boolean, contended?: boolean): Promise<boolean>;
  /**
   * The clean-up of an acquire that returns no lock: `release` (queues included), and on a connection that is
   * down, the same again once it is ready, after the commands the client re-sends on reconnecting (an attempt
   * that was in flight), so that no grant or queue entry of the dead acquire stays.
   */
  abandon(target: LockTarget, token: string): Promise<boolean>;
  /**
   * Whether this backend serves the counted modes (`limit`, `shared`; see `config/mode.ts`) for `target`; absent:
   * it does not, and the locker refuses them with `LockConfigError` before sending anything.
   */
  supportsModes?(target: LockTarget): boolean;
}
