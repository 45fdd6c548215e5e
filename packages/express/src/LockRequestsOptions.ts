import type { BusyInfo, RequestLockOptions } from '@deadbolt/core';
import type { NextFunction, Request, Response } from 'express';

/**
 * Options of {@link lockRequests}: the shared request-lock options of `@deadbolt/core` (`locker`, `key`,
 * `wait` [5 000 ms], `ttl` [the locker's], `statusCode` [409], `failOpen` [false], `retryAfter`, `logger`
 * [console], `maxHold` [none]) plus `onBusy`.
 *
 * @example
 * ```ts
 * const options: LockRequestsOptions = { locker, key: (req) => `order:${req.params.id}`, wait: 2_000 }
 * ```
 */
export interface LockRequestsOptions extends RequestLockOptions<Request> {
  /**
   * Answers a request whose resource stayed busy, instead of the default `statusCode` + `Retry-After` +
   * `application/problem+json` reply (which `info.reply` holds). It may call `next()` to serve the request
   * without the lock, or `next(error)`. A rejected promise goes to `next(error)`. Default: the problem reply.
   */
  readonly onBusy?: (req: Request, res: Response, next: NextFunction, info: BusyInfo) => void | Promise<void>;
}
