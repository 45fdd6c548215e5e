// @deadbolt/http: framework-neutral request locking, the contract every adapter (Express, Koa, …) is built on.
// See README.md, "Writing an adapter".
export { RequestLocker } from './RequestLocker.js';
export type { RequestLockSession } from './RequestLockSession.js';
export type { RequestLockReceiver } from './RequestLockReceiver.js';
export { STORE_GRACE_MS } from './takeLock.js';
export type { BusyInfo, RequestLockOutcome } from './RequestLockOutcome.js';
export type { ReleasePolicy } from './RequestLockShared.js';
export { RequestLock } from './RequestLock.js';
export type {
  AnyFunction,
  MissingKeyPolicy,
  RequestMode,
  RequestKey,
  RequestLockLogger,
  RequestLockOptions,
  RetryAfterInfo,
} from './RequestLockOptions.js';
export type { RequestLockConfig } from './RequestLockConfig.js';
export { defaultRetryAfter } from './retryAfter.js';
export { INITIAL_HOLD_ESTIMATE_MS } from './HoldEstimate.js';
export type { AwaitedEnds, RequestLockPhase } from './RequestLockPhase.js';
export type { AcquireStop } from './AcquireStops.js';
export { PROBLEM_CONTENT_TYPE, problemText, type Problem, type ProblemReply } from './problem.js';
export {
  REPRESENTATION_HEADERS,
  problemResponse,
  writeProblem,
  type ProblemResponse,
} from './problemResponse.js';
