// The middleware takes a locker on any client deadbolt supports: here Express, Koa and Fastify on node-redis, with real
// HTTP servers and a real redis-server. Requests for one resource run one at a time, in fence order.
import { expect } from 'chai';
import { RedisServer, waitUntil } from '@deadbolt/testing';
import { createLocker, type Locker } from '@deadbolt/core';
import { lockRequests as expressLockRequests } from '@deadbolt/express';
import { lockRequests as koaLockRequests } from '@deadbolt/koa';
import { deadbolt, lockRequests as fastifyLockRequests } from '@deadbolt/fastify';
import express from 'express';
import Koa from 'koa';
import Fastify from 'fastify';
import { createClient } from 'redis';
import request from 'supertest';

/** A resource whose handler reads, yields to the event loop, then writes: overlapping requests lose updates. */
function counter(): { read(): number; bump(): Promise<number> } {
  let value = 0;
  return {
    read: () => value,
    bump: async () => {
      const seen = value;
      await new Promise((resolve) => setImmediate(resolve));
      value = seen + 1;
      return value;
    },
  };
}

describe('middleware on a node-redis locker', function () {
  this.timeout(30_000);
  let server: RedisServer;
  let redis: ReturnType<typeof createClient>;
  let locker: Locker;

  before(async function () {
    server = await RedisServer.start();
    redis = createClient({ socket: { host: '127.0.0.1', port: server.port } });
    redis.on('error', () => {});
    await redis.connect();
    locker = createLocker(redis);
  });
  after(async function () {
    await locker.close();
    redis.destroy();
    await server.stop();
  });

  it('Express: concurrent requests for one key run one at a time, fences rising', async function () {
    const account = counter();
    const app = express();
    app.post(
      '/accounts/:id',
      expressLockRequests({ locker, key: (req) => `acct:${String(req.params.id)}` }),
      async (req, res) => {
        res.json({ value: await account.bump(), fence: req.lock?.fence });
      },
    );
    const replies = await Promise.all(Array.from({ length: 8 }, () => request(app).post('/accounts/1')));
    expect(replies.map((reply) => reply.status)).to.deep.equal(Array(8).fill(200));
    expect(account.read(), 'no update lost').to.equal(8);
    const byValue = replies
      .map((reply) => reply.body as { value: number; fence: number })
      .sort((a, b) => a.value - b.value);
    for (let i = 1; i < byValue.length; i++)
      expect(byValue[i]!.fence).to.be.greaterThan(byValue[i - 1]!.fence);
  });

  it('Koa: concurrent requests for one key run one at a time', async function () {
    const account = counter();
    const app = new Koa();
    app.use(koaLockRequests({ locker, key: (ctx) => `koa:${ctx.path}` }));
    app.use(async (ctx) => {
      ctx.body = { value: await account.bump() };
    });
    const http = app.callback();
    const replies = await Promise.all(Array.from({ length: 8 }, () => request(http).post('/acct/2')));
    expect(replies.map((reply) => reply.status)).to.deep.equal(Array(8).fill(200));
    expect(account.read(), 'no update lost').to.equal(8);
  });

  it('Fastify: concurrent requests for one key run one at a time', async function () {
    const account = counter();
    let released = 0;
    const count = (): void => void (released += 1);
    locker.on('released', count);
    const app = Fastify();
    await app.register(deadbolt);
    app.post<{ Params: { id: string } }>(
      '/accounts/:id',
      { preHandler: fastifyLockRequests({ locker, key: (request) => `fastify:${request.params.id}` }) },
      async (request) => ({ value: await account.bump(), fence: request.lock?.fence }),
    );
    await app.ready();
    try {
      const replies = await Promise.all(
        Array.from({ length: 8 }, () => request(app.server).post('/accounts/3')),
      );
      expect(replies.map((reply) => reply.status)).to.deep.equal(Array(8).fill(200));
      expect(account.read(), 'no update lost').to.equal(8);
      // The last release is sent when its response finished: wait for it before the suite closes the client.
      await waitUntil(() => released === 8, { description: 'every release' });
    } finally {
      locker.off('released', count);
      await app.close();
    }
  });
});
