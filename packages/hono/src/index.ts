export { lockRequests } from './lockRequests.js';
export type {
  LockContext,
  LockEnv,
  LockRequestsOptions,
  LockVariables,
  OnBusy,
} from './LockRequestsOptions.js';
export type {
  BusyInfo,
  MissingKeyPolicy,
  RequestKey,
  RequestLock,
  RequestLockLogger,
  RetryAfterInfo,
} from '@deadbolt/http';
export { LockKeyError, type LockKeyErrorCode } from '@deadbolt/core';
export { defaultRetryAfter } from '@deadbolt/http';
