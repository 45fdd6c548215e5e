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

/** The path prefixes of experimental variants of the core route (Fastify only; see {@link coreLockFastify}). */
export const CORE_EXPERIMENTS = {
  coreSignal: '/core-signal',
  coreFence: '/core-fence',
  locked2: '/locked2',
  lockedB: '/locked-b',
} as const;

/**
 * A directory holding another build of the adapters (`node_modules/@deadbolt/{http,fastify,hono,koa,express}`
 * with their `package.json` and `dist/`, `core` linked to this one): with it, the probes' app also serves the
 * route behind that build's `lockRequests` at `/locked-b`, so two builds are compared in one process (variant
 * `lockedB` of `cpuProbe.ts`).
 */
export const BUILD_B_DIR = process.env['DEADBOLT_PROBE_B'];

/** The adapter package `name` of the build in {@link BUILD_B_DIR}. */
export async function importBuildB<Module>(name: string): Promise<Module> {
  const { pathToFileURL } = await import('node:url');
  return (await import(
    pathToFileURL(`${BUILD_B_DIR}/node_modules/@deadbolt/${name}/dist/index.js`).href
  )) as Module;
}

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

/**
 * Fastify: a route `preHandler` hook; releases on `close` of the raw response. For A/B experiments on what
 * `lockRequests` adds (see {@link CORE_EXPERIMENTS}): `signal` passes a pooled abort controller's signal (frozen
 * options per signal, as `@deadbolt/http` does), `fence` sets `request.lock` so the body carries the fence.
 */
export function coreLockFastify<Route extends RouteGenericInterface>(
  locker: Locker,
  key: (request: FastifyRequest<Route>) => string,
  { signal = false, fence = false }: { signal?: boolean; fence?: boolean } = {},
) {
  const pool: AbortController[] = [];
  const optionsOf = new WeakMap<AbortSignal, AcquireOptions>();
  return (
    request: FastifyRequest<Route>,
    reply: FastifyReply<Route>,
    done: HookHandlerDoneFunction,
  ): void => {
    let controller: AbortController | undefined;
    let options = OPTIONS;
    if (signal) {
      controller = pool.pop() ?? new AbortController();
      const known = optionsOf.get(controller.signal);
      options =
        known ?? Object.freeze({ wait: 5_000, signal: controller.signal, interruptFirstAttempt: false });
      if (known === undefined) optionsOf.set(controller.signal, options);
    }
    locker.acquire(key(request), options).then(
      (lock) => {
        if (controller !== undefined) pool.push(controller);
        if (fence) (request as unknown as { lock: unknown }).lock = lock;
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
