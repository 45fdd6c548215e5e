export { lockRequests } from './lockRequests.js';
export type { LockRequestsOptions, LockState, OnBusy, RouteContext } from './LockRequestsOptions.js';
export type {
  BusyInfo,
  MissingKeyPolicy,
  RequestLock,
  RequestLockLogger,
  RetryAfterInfo,
  RequestKey,
} from '@deadbolt/http';
export { LockKeyError, type LockKeyErrorCode } from '@deadbolt/core';
export { defaultRetryAfter } from '@deadbolt/http';
