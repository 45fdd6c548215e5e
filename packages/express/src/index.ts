export { lockRequests } from './lockRequests.js';
export type { LockRequestsOptions } from './LockRequestsOptions.js';
export type { RequestLock } from './requestLock.js';
export type { BusyInfo, RequestKey, RequestLockLogger, RetryAfterInfo } from '@deadbolt/core';
export { RequestKeyError, type RequestKeyErrorCode } from '@deadbolt/core';
