/**
 * The HTTP side of the middleware scenario, run in a bench worker: one Express or Koa app that serves the
 * same route three times: `/plain/items/:id` without middleware, `/floor/items/:id` behind the cheapest
 * possible Redis lock (see `rawLockMiddleware.ts`), and `/locked/items/:id` behind `lockRequests`
 * (lock key `item:<id>`), on a real Redis. The handler does a little async work and answers JSON.
 */
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { createLocker, type Locker } from '@deadbolt/core';
import { lockRequests as lockExpress } from '@deadbolt/express';
import { lockRequests as lockKoa, type LockState } from '@deadbolt/koa';
import Router from '@koa/router';
import express, { type Request, type Response } from 'express';
import Koa, { type Context } from 'koa';
import type { Redis } from 'ioredis';
import { closeRedis, connectRedis } from '../libraries/connect.js';
import { rawLockExpress, rawLockKoa } from './rawLockMiddleware.js';
import { PREFIX, ROUTE, type FrameworkId } from './frameworks.js';

/** A listening app; `close` stops it and closes its locker and Redis connection. */
export interface ItemServer {
  readonly port: number;
  close(): Promise<void>;
}

/** Starts the app of `framework` on a free port of 127.0.0.1, locking on the Redis at `redisUrl`. */
export async function startItemServer(framework: FrameworkId, redisUrl: string): Promise<ItemServer> {
  const redis = await connectRedis(redisUrl);
  const locker = createLocker(redis);
  const server = (framework === 'express' ? expressApp(locker, redis) : koaApp(locker, redis)).listen(
    0,
    '127.0.0.1',
  );
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

function expressApp(locker: Locker, redis: Redis): { listen(port: number, host: string): Server } {
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
  return app;
}

function koaApp(locker: Locker, redis: Redis): Koa<LockState> {
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
  app.use(router.routes());
  return app;
}
