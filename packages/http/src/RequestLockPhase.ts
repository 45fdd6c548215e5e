import type { Lock } from '@deadbolt/core';
import type { AcquireStop } from './AcquireStops.js';
import type { ProblemReply } from './problem.js';

/**
 * The ends of a request its release still waits for: the response's end, the handler's completion, or both
 * (see `ReleasePolicy`: `'response'` waits for the response only, `'response-and-handler'` starts with both).
 *
 * @example
 * ```ts
 * const awaiting: AwaitedEnds = policy === 'response' ? 'response' : 'both'
 * ```
 */
export type AwaitedEnds = 'response' | 'handler' | 'both';

/**
 * Where one request's lock is in its life. The session holds exactly one phase and changes it only in its
 * transitions (acquire, grant, response done, handler done, loss, maxHold, release):
 *
 * ```text
 * deriving ─▶ acquiring ─▶ holding ─▶ lost ─▶ released
 *    │            │           └─────────────────▲
 *    ├────────────┴─▶ gone (the response ended before the lock was held)
 *    └────────────┴─▶ unlocked (served without a lock, or answered: busy, bad key, Redis down)
 * ```
 *
 * @example
 * ```ts
 * if (session.phase === 'holding') metrics.locked.inc() // an adapter's diagnostics
 * ```
 */
export type RequestLockPhase =
  /** The key function runs (it may be async). */
  | { readonly name: 'deriving' }
  /** The lock is being acquired; `stop` aborts the wait when the response ends (none for `wait: 0`). */
  | { readonly name: 'acquiring'; readonly stop: AcquireStop | undefined }
  /**
   * The request holds the lock since `since` (ms, `performance.now()`); released once `awaiting` came (the one
   * field the session updates in place: the first of two awaited ends costs no new phase object).
   */
  | {
      readonly name: 'holding';
      readonly lock: Lock;
      readonly since: number;
      awaiting: AwaitedEnds;
      readonly maxHold: NodeJS.Timeout | undefined;
    }
  /** The lock was lost while held (`reason`); `reply` is the 503 owed. Released once `awaiting` came. */
  | {
      readonly name: 'lost';
      readonly lock: Lock;
      readonly since: number;
      awaiting: AwaitedEnds;
      readonly reason: unknown;
      readonly reply: ProblemReply;
    }
  /**
   * Released, once, the lock on `key`; if it was `lost` first, `reason` is the loss and `reply` the 503 owed
   * (otherwise both are `undefined`: the request ended).
   */
  | {
      readonly name: 'released';
      readonly key: string;
      readonly lost: boolean;
      readonly reason: unknown;
      readonly reply: ProblemReply | undefined;
    }
  /** The response ended (or the client left) before the request held a lock: nothing to answer or release. */
  | { readonly name: 'gone' }
  /** The request holds no lock and never will: served without one, or answered busy / bad key / Redis down. */
  | { readonly name: 'unlocked' };

/** The phases without data, one frozen object each: a request moves through them without allocating. */
export const DERIVING: RequestLockPhase = Object.freeze({ name: 'deriving' });
/** See {@link DERIVING}. */
export const UNLOCKED: RequestLockPhase = Object.freeze({ name: 'unlocked' });
/** See {@link DERIVING}. */
export const GONE: RequestLockPhase = Object.freeze({ name: 'gone' });

/** What is left to await once `end` came; `undefined`: nothing, release now. */
export function afterEnd(awaiting: AwaitedEnds, end: 'response' | 'handler'): AwaitedEnds | undefined {
  if (awaiting === 'both') return end === 'response' ? 'handler' : 'response';
  return awaiting === end ? undefined : awaiting;
}
