export { lockRequests, type LockState } from './lockRequests.js';
export type { LockRequestsOptions, RouteContext } from './LockRequestsOptions.js';
export type { BusyInfo, RequestLock, RequestLockLogger, RetryAfterInfo, RequestKey } from '@deadbolt/core';
export { RequestKeyError, type RequestKeyErrorCode } from '@deadbolt/core';
