import { RequestLocker, writeProblem, type RequestLockReceiver } from '@deadbolt/http';
import type { NextFunction, Request, Response } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type {
  DefaultLocals,
  DefaultParams,
  DefaultQuery,
  LockRequestsOptions,
  OnBusy,
} from './LockRequestsOptions.js';
import { muteResponse } from './muteResponse.js';

/**
 * Express middleware (Express 4 and 5) that serializes requests per resource: it locks the key(s) that `key`
 * derives from the request, waits up to `wait` ms in arrival order, exposes the lock as `req.lock` and
 * releases it exactly once when the response finishes or the client disconnects.
 *
 * - Busy resource: `statusCode` [409] with `Retry-After` and an `application/problem+json` body, or `onBusy`.
 * - Redis down or too slow: 503 with `Retry-After` (fail closed); `failOpen: true` logs and serves unlocked.
 * - Client gone while waiting: the wait stops and leaves nothing in Redis; nothing is answered.
 * - Client gone while the handler runs: Express cannot tell when a handler completes, so the lock is
 *   released at once and `req.lock.signal` aborts (a `LockLostError`, reason `closed`); a handler still
 *   running must stop on that signal, and the fence (`req.lock.fence`) guards its late writes.
 * - Lock lost while the handler runs: `req.lock.signal` aborts; if nothing was sent yet the request is
 *   answered 503 (`urn:deadbolt:problem:lock-lost`) and the handler's later answer is discarded.
 * - Mount it on the route (`router.post('/orders/:id', lockRequests(…), handler)`): with `app.use()` the
 *   route params are not matched yet, and a key built from them is answered 400 (`ERR_LOCK_KEY_UNMOUNTED`,
 *   with one warning logged). Every unusable key from the client is answered 400, never 5xx.
 *
 * Options are validated here, once; a bad option throws `LockConfigError`. The returned {@link LockMiddleware}
 * leaves the route's types alone, so `req.params.id` stays `string` in the handlers that follow under
 * `@types/express` 5; the type parameters (Express's `RequestHandler` ones) type the key function's `req`, e.g.
 * `lockRequests<{ id: string }>({ locker, key: (req) => req.params.id })`.
 *
 * @example
 * ```ts
 * import { lockRequests } from '@deadbolt/express'
 *
 * router.post('/orders/:id/pay', lockRequests({ locker, key: (req) => `order:${req.params.id}` }), async (req, res) => {
 *   await payments.charge(req.params.id, { fence: req.lock?.fence, signal: req.lock?.signal })
 *   res.json({ paid: true })
 * })
 * ```
 */
/**
 * The middleware {@link lockRequests} returns: an Express handler whose parameters are typed by their Node bases
 * only, so that it takes no part in inferring a route's types (`RouteParameters<'/orders/:id'>` for
 * `req.params`). A plain `RequestHandler` would pin them to `ParamsDictionary`, where Express 5 types each
 * param as `string | string[]`.
 */
export type LockMiddleware = (req: IncomingMessage, res: ServerResponse, next: NextFunction) => void;

/* eslint-disable @typescript-eslint/no-explicit-any -- Express's own defaults, so that inference matches its handlers. */
export function lockRequests<
  P = DefaultParams,
  ResBody = any,
  ReqBody = any,
  ReqQuery = DefaultQuery,
  Locals extends DefaultLocals = DefaultLocals,
>(options: LockRequestsOptions<P, ResBody, ReqBody, ReqQuery, Locals>): LockMiddleware {
  /* eslint-enable @typescript-eslint/no-explicit-any */
  type Req = Request<P, ResBody, ReqBody, ReqQuery, Locals>;
  const requests = new RequestLocker<Req, OnBusy<P, ResBody, ReqBody, ReqQuery, Locals>>(
    options,
    'lockRequests',
  );
  const { logger, onBusy } = requests.config;
  type Res = Response<ResBody, Locals>;
  /** One request's own values, the receiver's context. */
  interface Handled {
    readonly req: Req;
    readonly res: Res;
    readonly next: NextFunction;
  }
  // One receiver for every request of this middleware: a request allocates its context only, no closures.
  const receiver: RequestLockReceiver<Handled> = {
    outcome({ req, res, next }, outcome) {
      switch (outcome.type) {
        case 'proceed':
          if (outcome.lock !== undefined) req.lock = outcome.lock;
          next();
          return;
        case 'busy':
          if (onBusy === undefined) writeProblem(res, outcome.info.reply);
          else Promise.resolve(onBusy(req, res, next, outcome.info)).catch(next);
          return;
        case 'reply':
          writeProblem(res, outcome.reply);
          return;
        case 'gone':
          return;
      }
    },
    // `next` hears of any error thrown by `onBusy` (also asynchronously) or by the key function.
    failed: ({ next }, error) => next(error),
    lost({ req, res }, reply) {
      if (writeProblem(res, reply)) muteResponse(res);
      else
        logger.warn(
          `deadbolt: the lock of ${req.method} ${req.originalUrl} was lost after the response began.`,
        );
    },
  };

  return function deadboltLockRequests(
    incoming: IncomingMessage,
    response: ServerResponse,
    next: NextFunction,
  ): void {
    // Express passes its Request and Response; the signature names only their Node bases (see LockMiddleware).
    const req = incoming as Req;
    const res = response as Res;
    const session = requests.open('response');
    // Wired before any await, so no end of the response can be missed. `close` alone tells both ends: Node emits
    // it a tick after `finish`, or when the client went away; a `finish` listener beside Node's own would make
    // the response copy its listeners at every emit. `on`, not `once`, which would wrap the listener.
    res.on('close', () => session.responseDone());
    // Not async, and no closure per outcome: a request that proceeds allocates no promise for it.
    session.start(req, req.params, receiver, { req, res, next });
  };
}
