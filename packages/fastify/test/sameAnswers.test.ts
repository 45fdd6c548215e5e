// Fastify answers a busy resource and a Redis outage exactly as Express and Koa do: same status, same
// Retry-After, Cache-Control, Content-Type and Content-Length, same problem+json body, over real HTTP.
import { createLocker, type Locker } from '@deadbolt/core';
import { lockRequests as lockExpress } from '@deadbolt/express';
import { deadbolt, lockRequests as lockFastify } from '@deadbolt/fastify';
import { get, listen, type Answer, type Listening } from '@deadbolt/http/conformance';
import { lockRequests as lockKoa } from '@deadbolt/koa';
import { RedisServer, useRedisServer } from '@deadbolt/testing';
import { expect } from 'chai';
import express from 'express';
import Fastify from 'fastify';
import Koa from 'koa';
import { createServer } from 'node:http';

/** Every framework's app locking `item:<last path segment>` with `wait: 0`, listening; returns its URL. */
type Serve = (locker: Locker) => Promise<Listening>;

const key = (path: string) => `item:${path.split('/').pop() ?? ''}`;

const FRAMEWORKS: Record<string, Serve> = {
  express: (locker) => {
    const app = express().get(
      '/items/:id',
      lockExpress({ locker, key: (req) => key(req.path), wait: 0 }),
      (_q, s) => void s.json({}),
    );
    return listen(createServer(app));
  },
  koa: (locker) => {
    const app = new Koa();
    app.use(lockKoa({ locker, key: (ctx) => key(ctx.path), wait: 0 }));
    app.use((ctx) => void (ctx.body = {}));
    const handle = app.callback();
    return listen(createServer((req, res) => void handle(req, res)));
  },
  fastify: async (locker) => {
    const app = Fastify();
    await app.register(deadbolt);
    app.get(
      '/items/:id',
      { preHandler: lockFastify({ locker, key: (r) => key(r.url), wait: 0 }) },
      (_request, reply) => void reply.send({}),
    );
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    return { url, close: () => app.close() };
  },
};

/** What must be equal between frameworks. */
function shape(answer: Answer) {
  const { headers } = answer;
  return {
    status: answer.status,
    headers: [
      headers['retry-after'],
      headers['cache-control'],
      headers['content-type'],
      headers['content-length'],
    ],
    body: answer.json(),
  };
}

/** Asks every framework for `path` and expects the same answer from each, with `status`. */
async function expectSameAnswers(locker: Locker, path: string, status: number): Promise<void> {
  const shapes: Record<string, ReturnType<typeof shape>> = {};
  for (const [name, serve] of Object.entries(FRAMEWORKS)) {
    const app = await serve(locker);
    try {
      shapes[name] = shape(await get(app.url, path));
    } finally {
      await app.close();
    }
  }
  expect(shapes['fastify']?.status).to.equal(status);
  expect(shapes['fastify']).to.deep.equal(shapes['express']);
  expect(shapes['fastify']).to.deep.equal(shapes['koa']);
}

describe('@deadbolt/fastify answers busy and outages as Express and Koa do', () => {
  const fixture = useRedisServer();

  it('the same 409: status, Retry-After, Cache-Control, Content-Type, Content-Length and body', async () => {
    const locker = createLocker(fixture.server.client());
    const held = await locker.acquire('item:7', { ttl: 10_000 });
    try {
      await expectSameAnswers(locker, '/items/7', 409);
    } finally {
      await held.release();
      await locker.close();
    }
  });

  it('the same 503 when Redis is down', async () => {
    const doomed = await RedisServer.start();
    const locker = createLocker(doomed.client(), { commandTimeout: 500 });
    await doomed.kill();
    try {
      await expectSameAnswers(locker, '/items/8', 503);
    } finally {
      await locker.close();
    }
  });
});
