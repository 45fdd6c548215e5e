/**
 * A probe-only variant of the middleware scenario's route (`cpuProbe.ts --core`, never measured by
 * `pnpm bench`): `locker.acquire(key, { wait })` before the handler and `lock.release()` when the request ends,
 * exactly as the raw lock releases (Express and Fastify on the response's `close`, Koa and Hono after the
 * handlers), and nothing else. `locked − core` is what `lockRequests` does per request beyond the locker's own
 * acquire and release.
 */
import type { AcquireOptions, Locker } from '@deadbolt/core';
import type { NextFunction, Request, Response } from 'express';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction, RouteGenericInterface } from 'fastify';
import type { Context as HonoContext, MiddlewareHandler } from 'hono';
import type { Context, Next } from 'koa';

/** The path prefix of the route behind the locker alone. */
export const CORE_PREFIX = '/core';

/** The options `lockRequests` passes by default, without its abort signal. */
const OPTIONS: AcquireOptions = Object.freeze({ wait: 5_000 });

const ignore = (): void => {};

/** Express: releases on `close`. */
export function coreLockExpress(locker: Locker, key: (req: Request) => string) {
  return (req: Request, res: Response, next: NextFunction): void => {
    locker.acquire(key(req), OPTIONS).then((lock) => {
      res.on('close', () => void lock.release().catch(ignore));
      next();
    }, next);
  };
}

/** Koa: releases when the downstream middleware settles. */
export function coreLockKoa(locker: Locker, key: (ctx: Context) => string) {
  return async (ctx: Context, next: Next): Promise<void> => {
    const lock = await locker.acquire(key(ctx), OPTIONS);
    try {
      await next();
    } finally {
      lock.release().catch(ignore);
    }
  };
}

/** Fastify: a route `preHandler` hook; releases on `close` of the raw response. */
export function coreLockFastify<Route extends RouteGenericInterface>(
  locker: Locker,
  key: (request: FastifyRequest<Route>) => string,
) {
  return (
    request: FastifyRequest<Route>,
    reply: FastifyReply<Route>,
    done: HookHandlerDoneFunction,
  ): void => {
    locker.acquire(key(request), OPTIONS).then(
      (lock) => {
        reply.raw.on('close', () => void lock.release().catch(ignore));
        done();
      },
      (error: unknown) => done(error as Error),
    );
  };
}

/** Hono: releases when the handlers after it settle. */
export function coreLockHono(locker: Locker, key: (c: HonoContext) => string): MiddlewareHandler {
  return async (c, next) => {
    const lock = await locker.acquire(key(c), OPTIONS);
    try {
      await next();
    } finally {
      lock.release().catch(ignore);
    }
    return undefined;
  };
}
