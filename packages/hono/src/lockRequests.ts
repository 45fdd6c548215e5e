import { RequestLocker } from '@deadbolt/http';
import type { Context, Env, Input, MiddlewareHandler } from 'hono';
import type { StatusCode } from 'hono/utils/http-status';
import { answerProblem } from './answerProblem.js';
import type { LockContext, LockEnv, LockRequestsOptions, OnBusy } from './LockRequestsOptions.js';
import { watchResponseEnd } from './watchResponseEnd.js';

/** What a request whose client left while it waited gets: nothing reaches the client; nginx's "client closed". */
const CLIENT_CLOSED = 499 as StatusCode;

/** Lists the route params Hono matched; one function for every request, called only if a key looks unmounted. */
const listParams = (c: Context): unknown => c.req.param();

/**
 * Hono 4 middleware that serializes requests per resource: it locks the key(s) that `key` derives from the
 * context, waits up to `wait` ms in arrival order, exposes the lock as `c.get('lock')`, and releases it exactly
 * once, after both the handlers that follow completed and the response is done (written to its last byte, or
 * abandoned by the client). Options are validated here; a bad option throws `LockConfigError`. The middleware
 * is typed `MiddlewareHandler<E & LockEnv, P, I>`, so the routes after it see `c.get('lock')` next to the
 * app's own variables and bindings.
 *
 * - busy after `wait`: `statusCode` (409) + `Retry-After` + `application/problem+json`, or `onBusy`;
 * - Redis down: 503 + `Retry-After`, or served without the lock with `failOpen: true`;
 * - lock lost before the handlers answered: `c.get('lock').signal` aborts and the answer becomes 503;
 * - client gone while waiting: the wait stops and leaves nothing in Redis;
 * - client gone while the handler runs: the handler keeps the lock until it completes;
 * - every unusable key from the client gets 400, never 5xx; a key built from `c.req.param()` on a middleware
 *   mounted with `app.use('*', …)` gets 400 `ERR_LOCK_KEY_UNMOUNTED` (one warning logged).
 *
 * @example
 * ```ts
 * const locker = createLocker(new Redis(process.env.REDIS_URL))
 * app.post('/orders/:id/pay', lockRequests({ locker, key: (c) => `order:${c.req.param('id')}` }), async (c) => {
 *   const lock = c.get('lock')
 *   return c.json(await pay(c.req.param('id'), { fence: lock?.fence, signal: lock?.signal }))
 * })
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- Hono's own default input type.
export function lockRequests<E extends Env = Env, P extends string = string, I extends Input = {}>(
  options: LockRequestsOptions<E, P, I>,
): MiddlewareHandler<E & LockEnv, P, I> {
  const requests = new RequestLocker<LockContext<E, P, I>, OnBusy<E, P, I>>(options, 'lockRequests');
  const { onBusy } = requests.config;
  return async function deadboltLockRequests(c, next) {
    const session = requests.open('response-and-handler');
    const afterHandler = watchResponseEnd(c, () => session.responseDone());
    const outcome = await session.acquire(c, listParams);
    switch (outcome.type) {
      case 'gone':
        return c.body(null, CLIENT_CLOSED);
      case 'reply':
        return answerProblem(c, outcome.reply);
      case 'busy':
        return onBusy === undefined ? answerProblem(c, outcome.info.reply) : onBusy(c, outcome.info);
      case 'proceed':
        break;
    }
    if (outcome.lock === undefined) return next();
    c.set('lock', outcome.lock);
    try {
      await next();
    } catch (error) {
      // Hono's onError handles Error instances; anything else is thrown past it, and the response is not ours to follow.
      if (session.lostReply === undefined) {
        session.handlerDone();
        session.responseDone();
        throw error;
      }
    }
    session.handlerDone();
    if (session.lostReply !== undefined) answerProblem(c, session.lostReply);
    afterHandler();
    return undefined;
  };
}
