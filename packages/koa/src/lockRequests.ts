import { LockConfigError, RequestLocker, type RequestLock } from '@deadbolt/core';
import type { Context, Middleware, Next } from 'koa';
import type { LockRequestsOptions, RouteContext } from './LockRequestsOptions.js';
import { writeProblem } from './writeProblem.js';

/** The state {@link lockRequests} adds: `ctx.state.lock`, undefined when locking was skipped or failed open. */
export interface LockState {
  lock?: RequestLock;
}

/**
 * Koa middleware (2.x and 3.x) that serializes requests per resource: it locks the key(s) that `key` derives
 * from the context, exposes the lock as `ctx.state.lock`, and releases it exactly once, after both the
 * downstream middleware completed and the response ended (finished, or the client went away). Mount it on
 * the route (with `@koa/router`, `ctx.params` is only set there). Options are validated here; a bad option
 * throws `LockConfigError`.
 *
 * - busy after `wait`: `statusCode` (409) + `Retry-After` + `application/problem+json`, or `onBusy`;
 * - Redis down: 503 + `Retry-After`, or served without the lock with `failOpen: true`;
 * - lock lost before the response was sent: `ctx.state.lock.signal` aborts and the answer becomes 503;
 * - client gone while the handler runs: the handler keeps the lock until it completes;
 * - a key over 512 bytes (or not well-formed) gets 400; a key built from `ctx.params` under `app.use` gets
 *   500 `ERR_LOCK_KEY_UNMOUNTED`.
 *
 * @example
 * ```ts
 * const locker = createLocker(new Redis(process.env.REDIS_URL))
 * router.post('/orders/:id/pay', lockRequests({ locker, key: (ctx) => `order:${ctx.params.id}` }), async (ctx) => {
 *   ctx.body = await pay(ctx.params.id, { fence: ctx.state.lock?.fence, signal: ctx.state.lock?.signal })
 * })
 * ```
 */
export function lockRequests(options: LockRequestsOptions): Middleware<LockState> {
  const requests = new RequestLocker<RouteContext>(options, 'lockRequests', ['onBusy']);
  const { onBusy } = options;
  if (onBusy !== undefined && typeof onBusy !== 'function') {
    throw new LockConfigError('lockRequests(): "onBusy" must be a function (ctx, info).');
  }
  return async (ctx: Context, next: Next): Promise<void> => {
    const session = requests.open('response-and-handler');
    const ended = (): void => session.responseDone();
    ctx.res.once('finish', ended);
    ctx.res.once('close', ended);
    const outcome = await session.acquire(ctx as RouteContext, (ctx as { params?: unknown }).params);
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
    (ctx.state as LockState).lock = outcome.lock;
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
