/**
 * The HTTP side of the middleware scenario, run in a bench worker: one Express, Koa, Fastify or Hono app that serves the
 * same route three times: `/plain/items/:id` without middleware, `/floor/items/:id` behind the cheapest
 * possible Redis lock (see `rawLockMiddleware.ts`), and `/locked/items/:id` behind `lockRequests`
 * (lock key `item:<id>`), on a real Redis. The handler does a little async work and answers JSON.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { createLocker, type Locker } from '@deadbolt/core';
import { lockRequests as lockExpress } from '@deadbolt/express';
import { lockRequests as lockKoa, type LockState } from '@deadbolt/koa';
import { deadbolt, lockRequests as lockFastify } from '@deadbolt/fastify';
import { lockRequests as lockHono, type LockEnv } from '@deadbolt/hono';
import { getRequestListener } from '@hono/node-server';
import { Hono, type Context as HonoContext } from 'hono';
import Router from '@koa/router';
import express, { type Request, type Response } from 'express';
import Koa, { type Context } from 'koa';
import Fastify, { type FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { closeRedis, connectRedis } from '../libraries/connect.js';
import {
  BUILD_B_DIR,
  CORE_EXPERIMENTS,
  CORE_PREFIX,
  importBuildB,
  coreLockExpress,
  coreLockFastify,
  coreLockHono,
  coreLockKoa,
} from './coreLockMiddleware.js';
import { rawLockExpress, rawLockFastify, rawLockHono, rawLockKoa } from './rawLockMiddleware.js';
import { PREFIX, ROUTE, type FrameworkId } from './frameworks.js';

/** A listening app; `close` stops it and closes its locker and Redis connection. */
export interface ItemServer {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Starts the app of `framework` on a free port of 127.0.0.1, locking on the Redis at `redisUrl`; with `probe`,
 * the route is also served behind the locker alone (`/core`, see `coreLockMiddleware.ts`; for the probes only).
 */
export async function startItemServer(
  framework: FrameworkId,
  redisUrl: string,
  probe = false,
): Promise<ItemServer> {
  const redis = await connectRedis(redisUrl);
  const locker = createLocker(redis);
  const server = (await APPS[framework](locker, redis, probe)).listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await locker.close();
      await closeRedis(redis);
    },
  };
}

/** Something that listens like `app.listen` (Express, Koa) or a Node server (Fastify's router, Hono on @hono/node-server). */
type Listenable = { listen(port: number, host: string): Server };

/** Each framework's app, serving the three variants of the route, by id. */
const APPS: Record<
  FrameworkId,
  (locker: Locker, redis: Redis, probe: boolean) => Listenable | Promise<Listenable>
> = {
  express: expressApp,
  koa: koaApp,
  fastify: fastifyApp,
  hono: honoApp,
};

function expressApp(
  locker: Locker,
  redis: Redis,
  probe: boolean,
): { listen(port: number, host: string): Server } {
  const app = express();
  const handler = async (req: Request, res: Response): Promise<void> => {
    await nextTurn();
    res.json({ id: req.params['id'], fence: req.lock?.fence ?? null });
  };
  app.get(`${PREFIX.plain}${ROUTE}`, handler);
  app.get(
    `${PREFIX.floor}${ROUTE}`,
    rawLockExpress(redis, (req) => `floor:${String(req.params['id'])}`),
    handler,
  );
  app.get(
    `${PREFIX.locked}${ROUTE}`,
    lockExpress({ locker, key: (req) => `item:${String(req.params['id'])}` }),
    handler,
  );
  if (probe) {
    app.get(
      `${CORE_PREFIX}${ROUTE}`,
      coreLockExpress(locker, (req) => `core:${String(req.params['id'])}`),
      handler,
    );
  }
  return app;
}

function koaApp(locker: Locker, redis: Redis, probe: boolean): Koa<LockState> {
  const app = new Koa<LockState>();
  const router = new Router<LockState>();
  const handler = async (ctx: Context): Promise<void> => {
    await nextTurn();
    ctx.body = {
      id: (ctx as Context & { params: Record<string, string> }).params['id'],
      fence: (ctx.state as LockState).lock?.fence ?? null,
    };
  };
  router.get(`${PREFIX.plain}${ROUTE}`, handler);
  router.get(
    `${PREFIX.floor}${ROUTE}`,
    rawLockKoa(
      redis,
      (ctx) => `floor:${String((ctx as Context & { params: Record<string, string> }).params['id'])}`,
    ),
    handler,
  );
  router.get(
    `${PREFIX.locked}${ROUTE}`,
    lockKoa({ locker, key: (ctx) => `item:${ctx.params['id']}` }),
    handler,
  );
  if (probe) {
    router.get(
      `${CORE_PREFIX}${ROUTE}`,
      coreLockKoa(
        locker,
        (ctx) => `core:${String((ctx as Context & { params: Record<string, string> }).params['id'])}`,
      ),
      handler,
    );
  }
  app.use(router.routes());
  return app;
}

/** Fastify's router on a plain Node server, as Fastify's own `listen` would serve it. */
async function fastifyApp(locker: Locker, redis: Redis, probe: boolean): Promise<Server> {
  const app = Fastify();
  await app.register(deadbolt);
  type ItemRoute = { Params: { id: string } };
  const handler = async (request: FastifyRequest<ItemRoute>) => {
    await nextTurn();
    return { id: request.params.id, fence: request.lock?.fence ?? null };
  };
  app.get<ItemRoute>(`${PREFIX.plain}${ROUTE}`, handler);
  app.get<ItemRoute>(
    `${PREFIX.floor}${ROUTE}`,
    { preHandler: rawLockFastify(redis, (request) => `floor:${request.params.id}`) },
    handler,
  );
  app.get<ItemRoute>(
    `${PREFIX.locked}${ROUTE}`,
    { preHandler: lockFastify({ locker, key: (request) => `item:${request.params.id}` }) },
    handler,
  );
  if (probe) {
    app.get<ItemRoute>(
      `${CORE_PREFIX}${ROUTE}`,
      { preHandler: coreLockFastify(locker, (request) => `core:${request.params.id}`) },
      handler,
    );
    app.get<ItemRoute>(
      `${CORE_EXPERIMENTS.coreSignal}${ROUTE}`,
      { preHandler: coreLockFastify(locker, (request) => `cs:${request.params.id}`, { signal: true }) },
      handler,
    );
    if (BUILD_B_DIR !== undefined) {
      const b = await importBuildB<{ lockRequests: typeof lockFastify }>('fastify');
      app.get<ItemRoute>(
        `${CORE_EXPERIMENTS.lockedB}${ROUTE}`,
        { preHandler: b.lockRequests({ locker, key: (request) => `ib:${request.params.id}` }) },
        handler,
      );
    }
    app.get<ItemRoute>(
      `${CORE_EXPERIMENTS.locked2}${ROUTE}`,
      { preHandler: lockFastify({ locker, key: (request) => `i2:${request.params.id}` }) },
      handler,
    );
    app.get<ItemRoute>(
      `${CORE_EXPERIMENTS.coreFence}${ROUTE}`,
      { preHandler: coreLockFastify(locker, (request) => `cf:${request.params.id}`, { fence: true }) },
      handler,
    );
  }
  await app.ready();
  return createServer((req, res) => app.routing(req, res));
}

async function honoApp(locker: Locker, redis: Redis, probe: boolean): Promise<Listenable> {
  const app = new Hono<LockEnv>();
  const handler = async (c: HonoContext<LockEnv>) => {
    await nextTurn();
    return c.json({ id: c.req.param('id'), fence: c.get('lock')?.fence ?? null });
  };
  app.get(`${PREFIX.plain}${ROUTE}`, handler);
  app.get(
    `${PREFIX.floor}${ROUTE}`,
    rawLockHono(redis, (c) => `floor:${c.req.param('id')}`),
    handler,
  );
  app.get(`${PREFIX.locked}${ROUTE}`, lockHono({ locker, key: (c) => `item:${c.req.param('id')}` }), handler);
  if (probe) {
    app.get(
      `${CORE_PREFIX}${ROUTE}`,
      coreLockHono(locker, (c) => `core:${c.req.param('id')}`),
      handler,
    );
    if (BUILD_B_DIR !== undefined) {
      const b = await importBuildB<{ lockRequests: typeof lockHono }>('hono');
      app.get(
        `${CORE_EXPERIMENTS.lockedB}${ROUTE}`,
        b.lockRequests({ locker, key: (c) => `ib:${c.req.param('id')}` }),
        handler,
      );
    }
  }
  const listener = getRequestListener(app.fetch);
  return createServer((req, res) => void listener(req, res));
}
