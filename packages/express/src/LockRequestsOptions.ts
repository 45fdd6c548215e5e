import type { BusyInfo, RequestLockOptions } from '@deadbolt/http';
import type { NextFunction, Request, Response } from 'express';

/** Express's default route-parameter type (`ParamsDictionary`), named without importing express-serve-static-core. */
export type DefaultParams = Request['params'];
/** Express's default query type (`ParsedQs`). */
export type DefaultQuery = Request['query'];
/* eslint-disable @typescript-eslint/no-explicit-any -- Express's own defaults, so that inference matches its handlers. */
/** Express's default `res.locals` type. */
export type DefaultLocals = Record<string, any>;

/**
 * The `onBusy` hook: answers a request whose resource stayed busy, instead of the default `statusCode` +
 * `Retry-After` + `application/problem+json` reply (which `info.reply` holds). It may call `next()` to serve the
 * request without the lock, or `next(error)`. A rejected promise goes to `next(error)`.
 */
export type OnBusy<
  P = DefaultParams,
  ResBody = any,
  ReqBody = any,
  ReqQuery = DefaultQuery,
  Locals extends DefaultLocals = DefaultLocals,
> = (
  req: Request<P, ResBody, ReqBody, ReqQuery, Locals>,
  res: Response<ResBody, Locals>,
  next: NextFunction,
  info: BusyInfo,
) => void | Promise<void>;

/**
 * Options of {@link lockRequests}: the shared request-lock options of `@deadbolt/http` (`locker`, `key`,
 * `wait` [5 000 ms], `ttl` [the locker's], `statusCode` [409], `failOpen` [false], `retryAfter`, `logger`
 * [console], `maxHold` [none], `maxKeys` [16], `onMissingKey` ['reject'], `mode` ['exclusive'; `'shared'` or
 * `(req) => mode`], `limit` [none; N or `(req) => N`]) plus `onBusy` [the problem reply].
 * The type parameters are Express's own (route params, response body, request body, query, locals), so the
 * key function sees the route's types.
 *
 * @example
 * ```ts
 * const options: LockRequestsOptions<{ id: string }> = { locker, key: (req) => `order:${req.params.id}`, wait: 2_000 }
 * ```
 */
export type LockRequestsOptions<
  P = DefaultParams,
  ResBody = any,
  ReqBody = any,
  ReqQuery = DefaultQuery,
  Locals extends DefaultLocals = DefaultLocals,
> = RequestLockOptions<
  Request<P, ResBody, ReqBody, ReqQuery, Locals>,
  OnBusy<P, ResBody, ReqBody, ReqQuery, Locals>
>;
