import type { LockLostReason } from '../errors/LockLostError.js';
import type { RenewalOutcome } from './RenewalBatcher.js';

/** The lock operations a `RenewalSchedule` drives. */
export interface RenewalHooks {
  now(): number;
  drift(ttl: number): number;
  /** One extend round trip; `false` = the lease is no longer ours. */
  extend(ttl: number): Promise<boolean>;
  /**
   * A renewal without a promise, where the backend batches them: joins the next batch and returns `true`, the
   * answer coming later to `to` (never before this returns); `false` when it cannot (then `extend` is used).
   */
  renewLater?(ttl: number, to: RenewalAnswers): boolean;
  renewed(ttl: number): void;
  failed(error: Error): void;
  lost(reason: LockLostReason, cause?: unknown): void;
}

/** Where a renewal sent by {@link RenewalHooks.renewLater} is answered. */
export interface RenewalAnswers {
  /** The lease's answer: extended (`true`), no longer ours (`false`), or its renewal failed (an `Error`). */
  answered(outcome: RenewalOutcome): void;
  /** The renewal's round trip failed. */
  failed(error: unknown): void;
}
