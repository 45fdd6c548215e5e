// The framework-neutral request-lock module used by @deadbolt/express and @deadbolt/koa (re-exports only).
export { RequestLocker } from './RequestLocker.js';
export { RequestLockSession, STORE_GRACE_MS } from './RequestLockSession.js';
export type { BusyInfo, RequestLockOutcome } from './RequestLockOutcome.js';
export type { ReleasePolicy, RequestLockShared } from './RequestLockShared.js';
export { RequestLock } from './RequestLock.js';
export type {
  RequestKey,
  RequestLockLogger,
  RequestLockOptions,
  RetryAfterInfo,
} from './RequestLockOptions.js';
export type { RequestLockConfig } from './RequestLockConfig.js';
export { RequestKeyError, type RequestKeyErrorCode } from './RequestKeyError.js';
export { PROBLEM_CONTENT_TYPE, problemText, type Problem, type ProblemReply } from './problem.js';
export { deriveKeys, type DerivedKeys } from './deriveKeys.js';
