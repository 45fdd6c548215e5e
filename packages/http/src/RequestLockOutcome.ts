import type { ProblemReply } from './problem.js';
import type { RequestLock } from './RequestLock.js';

/** What `onBusy` is told about a busy answer. */
export interface BusyInfo {
  /** The keys the request wanted, sorted. */
  readonly keys: readonly string[];
  /** How long the current holder's lease still runs, in ms; `-1` when unknown. */
  readonly remaining: number;
  /** How long the request waited, in ms. */
  readonly waited: number;
  /** The `Retry-After` the default answer carries, in seconds. */
  readonly retryAfter: number;
  /** The default answer (status, headers, problem+json body). */
  readonly reply: ProblemReply;
}

/** How the lock step of one request ended. */
export type RequestLockOutcome =
  | { readonly type: 'proceed'; readonly lock: RequestLock | undefined }
  | { readonly type: 'busy'; readonly info: BusyInfo }
  | { readonly type: 'reply'; readonly reply: ProblemReply }
  | { readonly type: 'gone' };

/** The outcome of a request whose response ended before it held a lock; one frozen object for all. */
export const GONE_OUTCOME: RequestLockOutcome = Object.freeze({ type: 'gone' });
/** The outcome of a request served without a lock (skipped key, `failOpen`); one frozen object for all. */
export const PROCEED_UNLOCKED: RequestLockOutcome = Object.freeze({ type: 'proceed', lock: undefined });
