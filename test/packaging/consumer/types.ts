// TypeScript consumer: the public API of every package, type-checked against the packed tarballs' declarations
// as a CommonJS module (`.cts`) and an ES module (`.mts`) under node16 resolution, and under bundler resolution.
// The @ts-expect-error lines fail the check if a declaration degrades to `any`.
import { createLocker, LockBusyError, type Lock, type Locker, type LockerOptions } from '@deadbolt/core';
import { lockRequests as expressLockRequests } from '@deadbolt/express';
import { lockRequests as koaLockRequests, type LockState } from '@deadbolt/koa';
import { deadbolt, lockRequests as fastifyLockRequests } from '@deadbolt/fastify';
import { lockRequests as honoLockRequests } from '@deadbolt/hono';
import { RedisServer } from '@deadbolt/testing';
import { runChaos, deadboltAdapter, type ChaosResult } from '@deadbolt/chaos';
import express from 'express';
import Koa from 'koa';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { Redis } from 'ioredis';

/** Uses each package once; only type-checked, never run. */
export async function consumer(): Promise<number> {
  const server: RedisServer = await RedisServer.start();
  const options: LockerOptions = { ttl: 1_000, wait: 0 };
  const locker: Locker = createLocker(new Redis(server.url), options);
  const lock: Lock = await locker.acquire('order:42');
  const fence: number = lock.fence;
  const maybe: Lock | null = await locker.tryAcquire('order:43');
  const busy: number | undefined = await locker.acquire('order:42').then(
    () => undefined,
    (error: unknown) => (error instanceof LockBusyError ? error.remaining : undefined),
  );
  // @ts-expect-error ttl is a number of milliseconds
  await locker.acquire('order:44', { ttl: '1s' });
  // @ts-expect-error a lock's fence is a number
  const notFence: string = lock.fence;

  const app = express();
  app.post(
    '/orders/:id',
    expressLockRequests({ locker, key: (req) => `order:${String(req.params.id)}` }),
    (req, res) => {
      const held: number | undefined = req.lock?.fence;
      res.json({ held, busy, notFence });
    },
  );

  const koa = new Koa<LockState>();
  koa.use(koaLockRequests({ locker, key: (ctx) => `path:${ctx.path}` }));
  koa.use((ctx) => {
    const held: number | undefined = ctx.state.lock?.fence;
    ctx.body = { held };
  });

  const fastify = Fastify();
  await fastify.register(deadbolt);
  fastify.get<{ Params: { id: string } }>(
    '/orders/:id',
    { preHandler: fastifyLockRequests({ locker, key: (request) => `order:${request.params.id}` }) },
    (request, reply) => {
      const held: number | undefined = request.lock?.fence;
      void reply.send({ held });
    },
  );
  const hono = new Hono();
  hono.post('/orders/:id', honoLockRequests({ locker, key: (c) => `order:${c.req.param('id')}` }), (c) => {
    const held: number | undefined = c.get('lock')?.fence;
    return c.json({ held });
  });

  const result: ChaosResult = await runChaos({ lock: deadboltAdapter(), runs: 1 });
  const verdict: 'pass' | 'fail' | 'inconclusive' = result.verdict;
  await server.stop();
  return verdict === 'pass' && maybe !== null ? fence : -fence;
}
