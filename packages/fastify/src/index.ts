export { deadbolt } from './plugin.js';
export { lockRequests, type LockHook } from './lockRequests.js';
export type { LockedReply, LockedRequest, LockRequestsOptions, OnBusy } from './LockRequestsOptions.js';
export type { RequestLock } from './requestLock.js';
export type {
  BusyInfo,
  MissingKeyPolicy,
  RequestKey,
  RequestLockLogger,
  RetryAfterInfo,
} from '@deadbolt/http';
export { defaultRetryAfter } from '@deadbolt/http';
export { LockKeyError, type LockKeyErrorCode } from '@deadbolt/core';
