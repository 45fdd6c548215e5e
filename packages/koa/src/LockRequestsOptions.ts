import type { BusyInfo, RequestLockOptions } from '@deadbolt/core';
import type { Context } from 'koa';

/**
 * The context the key function gets: Koa's, with the route params `@koa/router` sets when the middleware is
 * mounted on a route. (Under `app.use` there are none: reading them is reported as `ERR_LOCK_KEY_UNMOUNTED`.)
 */
export type RouteContext = Context & { params: Record<string, string> };

/**
 * Options of {@link lockRequests} for Koa. `locker` and `key` are required; defaults are listed per field.
 *
 * | option | default | meaning |
 * |---|---|---|
 * | `locker` | required | the `Locker` from `createLocker(redis)` |
 * | `key` | required | `(ctx) => string \| string[] \| undefined \| false` (may be async) |
 * | `wait` | `5_000` | ms to wait in FIFO order for a busy key; `0` = answer busy at once |
 * | `ttl` | the locker's | lease length in ms (renewed while the request runs) |
 * | `statusCode` | `409` | status of the busy answer |
 * | `onBusy` | problem+json | `(ctx, info)` answers a busy request instead |
 * | `failOpen` | `false` | serve without the lock while Redis is down (logged once per outage) |
 * | `retryAfter` | holder's lease / 1 | seconds, or a function of `{ reason, remaining }` |
 * | `logger` | `console` | where outages, release failures and misuse are reported |
 * | `maxHold` | none | ms a request may hold the lock; then its signal aborts and it gets 503 |
 *
 * @example
 * ```ts
 * router.post('/accounts/:id/withdraw', lockRequests({ locker, key: (ctx) => `account:${ctx.params.id}` }), withdraw)
 * ```
 */
export interface LockRequestsOptions extends RequestLockOptions<RouteContext> {
  /**
   * Answers a request whose key stayed busy (after `wait`) instead of the default `statusCode` +
   * `Retry-After` + `application/problem+json`: set `ctx.status`/`ctx.body`. May be async; an error is
   * thrown to Koa. Default: the problem+json answer in `info.reply`.
   */
  readonly onBusy?: (ctx: Context, info: BusyInfo) => void | Promise<void>;
}
