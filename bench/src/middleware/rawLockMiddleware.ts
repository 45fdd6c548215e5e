/**
 * The floor of the middleware scenario: the cheapest lock middleware Redis allows. `SET key token NX PX` before
 * the handler, an owner-checked DEL script (EVALSHA) after it, 409 when busy; no waiting, fairness, fencing,
 * renewal or timeouts. It shows what two Redis round trips per request cost by themselves, so `lockRequests`
 * can be read against it as well as against the route without any lock.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction, RouteGenericInterface } from 'fastify';
import type { Redis } from 'ioredis';
import type { Context as HonoContext, MiddlewareHandler } from 'hono';
import type { Context, Next } from 'koa';

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;
const RELEASE_SHA = createHash('sha1').update(RELEASE).digest('hex');
const TTL_MS = 10_000;

/** The owner-checked DEL by EVALSHA; EVAL only when Redis does not know the script yet (NOSCRIPT). */
async function releaseScript(redis: Redis, key: string, token: string): Promise<void> {
  try {
    await redis.evalsha(RELEASE_SHA, 1, key, token);
  } catch (error) {
    if (!String(error).includes('NOSCRIPT')) throw error;
    await redis.eval(RELEASE, 1, key, token);
  }
}

/** Takes the lock on `key`; resolves the release function, or `undefined` when the key is busy. */
async function take(redis: Redis, key: string): Promise<(() => void) | undefined> {
  const token = randomBytes(16).toString('base64url');
  if ((await redis.set(key, token, 'PX', TTL_MS, 'NX')) !== 'OK') return undefined;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    releaseScript(redis, key, token).catch(() => {});
  };
}

/** Express: releases on `finish` or `close`. */
export function rawLockExpress(redis: Redis, key: (req: Request) => string) {
  return (req: Request, res: Response, next: NextFunction): void => {
    take(redis, key(req)).then(
      (release) => {
        if (!release) {
          res.status(409).end();
          return;
        }
        res.once('finish', release);
        res.once('close', release);
        next();
      },
      (error: unknown) => next(error),
    );
  };
}

/** Koa: releases when the downstream middleware settles. */
export function rawLockKoa(redis: Redis, key: (ctx: Context) => string) {
  return async (ctx: Context, next: Next): Promise<void> => {
    const release = await take(redis, key(ctx));
    if (!release) {
      ctx.status = 409;
      return;
    }
    try {
      await next();
    } finally {
      release();
    }
  };
}

/** Fastify: a route `preHandler` hook; releases on `finish` or `close` of the raw response. */
export function rawLockFastify<Route extends RouteGenericInterface>(
  redis: Redis,
  key: (request: FastifyRequest<Route>) => string,
) {
  return (
    request: FastifyRequest<Route>,
    reply: FastifyReply<Route>,
    done: HookHandlerDoneFunction,
  ): void => {
    take(redis, key(request)).then(
      (release) => {
        if (!release) {
          void (reply as FastifyReply).code(409).send(); // the route's reply type, widened for the 409
          return;
        }
        reply.raw.once('finish', release);
        reply.raw.once('close', release);
        done();
      },
      (error: unknown) => done(error as Error),
    );
  };
}

/** Hono: releases when the handlers after it settle. */
export function rawLockHono(redis: Redis, key: (c: HonoContext) => string): MiddlewareHandler {
  return async (c, next) => {
    const release = await take(redis, key(c));
    if (!release) return c.body(null, 409);
    try {
      await next();
    } finally {
      release();
    }
    return undefined;
  };
}
