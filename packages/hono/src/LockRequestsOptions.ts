import type { BusyInfo, RequestLock, RequestLockOptions } from '@deadbolt/http';
import type { Context, Env, Input } from 'hono';

/**
 * The variables {@link lockRequests} sets: `c.get('lock')`, undefined when locking was skipped or failed open.
 *
 * @example
 * ```ts
 * type AppEnv = { Variables: LockVariables & { user: string } } // declare it on the app to read it anywhere
 * ```
 */
export interface LockVariables {
  lock: RequestLock | undefined;
}

/**
 * The Hono `Env` the middleware adds to the routes that follow it, so that `c.get('lock')` is typed there
 * without declaring it on the app.
 *
 * @example
 * ```ts
 * const app = new Hono<LockEnv>() // only needed where the lock is read outside a route that mounts the middleware
 * ```
 */
export interface LockEnv {
  Variables: LockVariables;
}

/**
 * The context the key function and `onBusy` get: Hono's, for the app's `Env` plus {@link LockEnv}, the route's
 * path `P` (so `c.req.param('id')` is typed) and input `I`.
 *
 * @example
 * ```ts
 * const key = (c: LockContext<AppEnv, '/orders/:id'>) => `order:${c.req.param('id')}`
 * ```
 */
export type LockContext<E extends Env = Env, P extends string = string, I extends Input = Input> = Context<
  E & LockEnv,
  P,
  I
>;

/**
 * The `onBusy` hook: answers a request whose key stayed busy (after `wait`) instead of the default
 * `statusCode` + `Retry-After` + `application/problem+json` answer (which `info.reply` holds). It returns the
 * `Response`, as a Hono handler does (`c.json(…, 423)`); may be async. An error goes to Hono's `onError`.
 *
 * @example
 * ```ts
 * const onBusy: OnBusy = (c, info) => c.json({ busy: info.keys }, 423)
 * ```
 */
export type OnBusy<E extends Env = Env, P extends string = string, I extends Input = Input> = (
  c: LockContext<E, P, I>,
  info: BusyInfo,
) => Response | Promise<Response>;

/**
 * Options of {@link lockRequests} for Hono: the shared request-lock options of `@deadbolt/http` plus `onBusy`.
 * `locker` and `key` are required. `E`, `P` and `I` are Hono's `Env`, path and input types, so the key
 * function sees the app's bindings and variables and the route's params.
 *
 * | option | default | meaning |
 * |---|---|---|
 * | `locker` | required | the `Locker` from `createLocker(redis)` |
 * | `key` | required | `(c) => string \| string[] \| undefined \| false` (may be async) |
 * | `wait` | `5_000` | ms to wait in FIFO order for a busy key; `0` = answer busy at once |
 * | `ttl` | the locker's | lease length in ms (renewed while the request runs) |
 * | `statusCode` | `409` | status of the busy answer |
 * | `onBusy` | problem+json | `(c, info) => Response` answers a busy request instead |
 * | `failOpen` | `false` | serve without the lock while Redis is down (logged once per outage) |
 * | `retryAfter` | `defaultRetryAfter` | seconds, or a function of `RetryAfterInfo` (see `defaultRetryAfter`) |
 * | `logger` | `console` | where outages, release failures and misuse are reported |
 * | `maxHold` | none | ms a request may hold the lock; then its signal aborts and it gets 503 |
 * | `maxKeys` | `16` | most distinct keys one request may lock; more is answered 400 |
 * | `onMissingKey` | `'reject'` | `key` returned `undefined`: 400 `ERR_LOCK_KEY_MISSING`, or `'skip'` serves unlocked |
 * | `mode` | `'exclusive'` | `'shared'`: shared requests of a key run together; or `(c) => mode` (synchronous) |
 * | `limit` | none | at most N requests on a key at once; or `(c) => N` (synchronous) |
 *
 * @example
 * ```ts
 * app.post('/accounts/:id/withdraw', lockRequests({ locker, key: (c) => `account:${c.req.param('id')}` }), withdraw)
 * ```
 */
export type LockRequestsOptions<
  E extends Env = Env,
  P extends string = string,
  I extends Input = Input,
> = RequestLockOptions<LockContext<E, P, I>, OnBusy<E, P, I>>;
