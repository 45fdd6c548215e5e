export { lockRequests, type LockMiddleware } from './lockRequests.js';
export type {
  DefaultLocals,
  DefaultParams,
  DefaultQuery,
  LockRequestsOptions,
  OnBusy,
} from './LockRequestsOptions.js';
export type { RequestLock } from './requestLock.js';
export type {
  BusyInfo,
  MissingKeyPolicy,
  RequestKey,
  RequestLockLogger,
  RetryAfterInfo,
} from '@deadbolt/http';
export { LockKeyError, type LockKeyErrorCode } from '@deadbolt/core';
export { defaultRetryAfter } from '@deadbolt/http';
