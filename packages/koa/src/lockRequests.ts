import { RequestLocker } from '@deadbolt/http';
import type { DefaultContext, DefaultState, Middleware, Next, ParameterizedContext } from 'koa';
import type { LockRequestsOptions, LockState, OnBusy, RouteContext } from './LockRequestsOptions.js';
import { writeProblem } from './writeProblem.js';

/**
 * Koa middleware (2.x and 3.x) that serializes requests per resource: it locks the key(s) that `key` derives
 * from the context, exposes the lock as `ctx.state.lock`, and releases it exactly once, after both the
 * downstream middleware completed and the response ended (finished, or the client went away). Mount it on
 * the route (with `@koa/router`, `ctx.params` is only set there). Options are validated here; a bad option
 * throws `LockConfigError`. The middleware is typed `Middleware<State & LockState, Custom>`, so a route that
 * follows it on `@koa/router` sees `ctx.state.lock` without declaring `LockState` on the app or router.
 *
 * - busy after `wait`: `statusCode` (409) + `Retry-After` + `application/problem+json`, or `onBusy`;
 * - Redis down: 503 + `Retry-After`, or served without the lock with `failOpen: true`;
 * - lock lost before the response was sent: `ctx.state.lock.signal` aborts and the answer becomes 503;
 * - client gone while the handler runs: the handler keeps the lock until it completes;
 * - a key over 512 bytes (or not well-formed) gets 400; a key built from `ctx.params` under `app.use` gets
 *   400 `ERR_LOCK_KEY_UNMOUNTED` (one warning logged); every unusable key from the client gets 400, never 5xx.
 *
 * @example
 * ```ts
 * const locker = createLocker(new Redis(process.env.REDIS_URL))
 * router.post('/orders/:id/pay', lockRequests({ locker, key: (ctx) => `order:${ctx.params.id}` }), async (ctx) => {
 *   ctx.body = await pay(ctx.params.id, { fence: ctx.state.lock?.fence, signal: ctx.state.lock?.signal })
 * })
 * ```
 */
export function lockRequests<State = DefaultState, Custom = DefaultContext>(
  options: LockRequestsOptions<State, Custom>,
): Middleware<State & LockState, Custom> {
  const requests = new RequestLocker<RouteContext<State, Custom>, OnBusy<State, Custom>>(
    options,
    'lockRequests',
  );
  const { onBusy } = requests.config;
  return async (ctx: ParameterizedContext<State & LockState, Custom>, next: Next): Promise<void> => {
    const session = requests.open('response-and-handler');
    // `close` alone tells both ends: Node emits it on every response, a tick after `finish` or when the client
    // went away. One listener, not two: a second `finish` listener beside Node's own turns the response's
    // listeners into an array, copied at every emit. `on`, not `once`, which would wrap the listener.
    ctx.res.on('close', () => session.responseDone());
    const outcome = await session.acquire(
      ctx as RouteContext<State, Custom>,
      (ctx as { params?: unknown }).params,
    );
    switch (outcome.type) {
      case 'gone':
        return;
      case 'reply':
        writeProblem(ctx, outcome.reply);
        return;
      case 'busy':
        if (onBusy === undefined) writeProblem(ctx, outcome.info.reply);
        else await onBusy(ctx, outcome.info);
        return;
      case 'proceed':
        break;
    }
    if (outcome.lock === undefined) {
      await next();
      return;
    }
    ctx.state.lock = outcome.lock;
    try {
      await next();
    } catch (error) {
      if (session.lostReply === undefined || ctx.headerSent) throw error;
    } finally {
      session.handlerDone();
    }
    if (session.lostReply !== undefined && !ctx.headerSent) writeProblem(ctx, session.lostReply);
  };
}
