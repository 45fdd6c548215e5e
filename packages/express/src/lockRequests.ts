import { LockConfigError, RequestLocker, type RequestLockOutcome } from '@deadbolt/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { LockRequestsOptions } from './LockRequestsOptions.js';
import { muteResponse } from './muteResponse.js';
import { writeReply } from './writeReply.js';

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
 *   route params are not matched yet, and a key built from them is answered 500 (`ERR_LOCK_KEY_UNMOUNTED`,
 *   also logged once).
 *
 * Options are validated here, once; a bad option throws `LockConfigError`.
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
export function lockRequests(options: LockRequestsOptions): RequestHandler {
  const requests = new RequestLocker<Request>(options, 'lockRequests', ['onBusy']);
  const onBusy = options.onBusy;
  if (onBusy !== undefined && typeof onBusy !== 'function') {
    throw new LockConfigError('"onBusy" must be a function (req, res, next, info).');
  }
  const { logger } = requests.config;

  return function deadboltLockRequests(req: Request, res: Response, next: NextFunction): void {
    const session = requests.open('response');
    // Wired before any await, so no end of the response can be missed.
    const responseDone = (): void => session.responseDone();
    res.once('finish', responseDone);
    res.once('close', responseDone);
    session.onLost((reply) => {
      if (writeReply(res, reply)) muteResponse(res);
      else
        logger.warn(
          `deadbolt: the lock of ${req.method} ${req.originalUrl} was lost after the response began.`,
        );
    });

    const proceed = async (outcome: RequestLockOutcome): Promise<void> => {
      switch (outcome.type) {
        case 'proceed':
          if (outcome.lock !== undefined) req.lock = outcome.lock;
          next();
          return;
        case 'busy':
          if (onBusy === undefined) writeReply(res, outcome.info.reply);
          else await onBusy(req, res, next, outcome.info);
          return;
        case 'reply':
          writeReply(res, outcome.reply);
          return;
        case 'gone':
          return;
      }
    };
    session
      .acquire(req, req.params)
      .then(proceed)
      .catch((error: unknown) => next(error));
  };
}
