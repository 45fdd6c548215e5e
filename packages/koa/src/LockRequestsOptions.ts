import type { BusyInfo, RequestLock, RequestLockOptions } from '@deadbolt/http';
import type { DefaultContext, DefaultState, ParameterizedContext } from 'koa';

/** The state {@link lockRequests} adds: `ctx.state.lock`, undefined when locking was skipped or failed open. */
export interface LockState {
  lock?: RequestLock;
}

/**
 * The context the key function gets: Koa's, with the route params `@koa/router` sets when the middleware is
 * mounted on a route. (Under `app.use` there are none: reading them is reported as `ERR_LOCK_KEY_UNMOUNTED`.)
 */
export type RouteContext<State = DefaultState, Custom = DefaultContext> = ParameterizedContext<
  State & LockState,
  Custom
> & { params: Record<string, string> };

/**
 * The `onBusy` hook: answers a request whose key stayed busy (after `wait`) instead of the default
 * `statusCode` + `Retry-After` + `application/problem+json`: set `ctx.status`/`ctx.body`. May be async; an error
 * is thrown to Koa.
 */
export type OnBusy<State = DefaultState, Custom = DefaultContext> = (
  ctx: ParameterizedContext<State & LockState, Custom>,
  info: BusyInfo,
) => void | Promise<void>;

/**
 * Options of {@link lockRequests} for Koa. `locker` and `key` are required; defaults are listed per field.
 * `State` and `Custom` are the app's (or router's) state and context types, so the key function sees them.
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
 * | `retryAfter` | `defaultRetryAfter` | seconds, or a function of `RetryAfterInfo` (see `defaultRetryAfter`) |
 * | `logger` | `console` | where outages, release failures and misuse are reported |
 * | `maxHold` | none | ms a request may hold the lock; then its signal aborts and it gets 503 |
 * | `maxKeys` | `16` | most distinct keys one request may lock; more is answered 400 |
 * | `onMissingKey` | `'reject'` | `key` returned `undefined`: 400 `ERR_LOCK_KEY_MISSING`, or `'skip'` serves unlocked |
 * | `mode` | `'exclusive'` | `'shared'`: shared requests of a key run together; or `(ctx) => mode` (synchronous) |
 * | `limit` | none | at most N requests on a key at once; or `(ctx) => N` (synchronous) |
 *
 * @example
 * ```ts
 * router.post('/accounts/:id/withdraw', lockRequests({ locker, key: (ctx) => `account:${ctx.params.id}` }), withdraw)
 * ```
 */
export type LockRequestsOptions<State = DefaultState, Custom = DefaultContext> = RequestLockOptions<
  RouteContext<State, Custom>,
  OnBusy<State, Custom>
>;
