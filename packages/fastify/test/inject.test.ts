// The hook through `fastify.inject` (no socket), on a real redis-server and on ioredis-mock: the lock reaches
// the handler, is released once when the injected response finishes, and the problem replies go out through
// Fastify's reply, so the app's own hooks see them.
import { createLocker, type Locker } from '@deadbolt/core';
import { deadbolt, lockRequests } from '@deadbolt/fastify';
import { useRedisServer, waitUntil } from '@deadbolt/testing';
import { expect } from 'chai';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import RedisMock from 'ioredis-mock';

let mockPort = 27_000;
const BACKENDS: readonly { name: string; connect: () => () => Redis }[] = [
  {
    name: 'a real redis-server',
    connect: () => {
      const fixture = useRedisServer();
      return () => fixture.server.client();
    },
  },
  {
    name: 'ioredis-mock',
    // One store per test (ioredis-mock shares data between instances of one port).
    connect: () => () => new RedisMock({ port: (mockPort += 1) }),
  },
];

for (const backend of BACKENDS)
  describe(`@deadbolt/fastify through fastify.inject on ${backend.name}`, () => {
    const connect = backend.connect();
    let redis: Redis;
    let locker: Locker;
    let app: FastifyInstance;
    let released: string[];
    const handled: string[] = [];

    beforeEach(async () => {
      redis = connect();
      locker = createLocker(redis);
      released = [];
      handled.length = 0;
      locker.on('released', ({ key }) => void released.push(key));
      app = Fastify();
      await app.register(deadbolt);
      await app.register(deadbolt); // a second registration (another plugin depending on it) changes nothing
      // Hooks of the app itself: a request id on every answer, an ETag set before the lock hook runs.
      app.addHook('onRequest', async (_request, reply) => void reply.header('etag', '"v1"'));
      app.addHook('onSend', async (request, reply) => void reply.header('x-request-id', request.id));
      const hook = lockRequests<{ Params: { id: string } }>({
        locker,
        key: (request) => {
          if (request.params.id === 'throw') throw new Error('the key function failed');
          return `order:${request.params.id}`;
        },
        wait: 0,
      });
      app.get<{ Params: { id: string } }>('/orders/:id', { preHandler: hook }, (request, reply) => {
        handled.push(request.params.id);
        void reply.send({ fence: request.lock?.fence, held: request.lock?.held, key: request.lock?.key });
      });
      app.get('/open', (request, reply) => {
        void reply.send({ decorated: 'lock' in request, lock: request.lock ?? null });
      });
    });

    afterEach(async () => {
      await app.close();
      await locker.close();
      redis.disconnect();
    });

    it('gives the handler the lock and releases it once when the injected response finishes', async () => {
      const answer = await app.inject({ method: 'GET', url: '/orders/1' });
      expect(answer.statusCode).to.equal(200);
      const body = answer.json<{ fence: unknown; held: unknown; key: unknown }>();
      expect(body).to.include({ held: true, key: 'order:1' });
      expect(body.fence).to.be.a('number');
      await waitUntil(() => released.length === 1, { description: 'the release' });
      expect(released).to.deep.equal(['order:1']);
      expect(locker.heldCount).to.equal(0);
      expect((await app.inject({ method: 'GET', url: '/orders/1' })).statusCode).to.equal(200);
    });

    it("answers 409 problem+json through Fastify's reply: its onSend hooks run, the ETag goes", async () => {
      const holder = await locker.acquire('order:2', { ttl: 10_000 });
      try {
        const busy = await app.inject({ method: 'GET', url: '/orders/2' });
        expect(busy.statusCode).to.equal(409);
        expect(busy.headers['content-type']).to.equal('application/problem+json; charset=utf-8');
        expect(busy.headers['retry-after']).to.match(/^\d+$/);
        expect(busy.headers['cache-control']).to.equal('no-store');
        expect(busy.headers['content-length']).to.equal(String(Buffer.byteLength(busy.body)));
        expect(busy.headers['x-request-id']).to.be.a('string');
        expect(busy.headers).to.not.have.property('etag');
        expect(busy.json()).to.include({ status: 409, code: 'ERR_LOCK_BUSY' });
        expect(handled).to.deep.equal([]);
      } finally {
        await holder.release();
      }
    });

    it("hands a key function's error to Fastify's error handler (500) and holds nothing", async () => {
      const answer = await app.inject({ method: 'GET', url: '/orders/throw' });
      expect(answer.statusCode).to.equal(500);
      expect(answer.json()).to.include({ message: 'the key function failed' });
      expect(handled).to.deep.equal([]);
      expect(locker.heldCount).to.equal(0);
    });

    it('declares request.lock on every request, unset on a route without the hook', async () => {
      const answer = await app.inject({ method: 'GET', url: '/open' });
      expect(answer.json()).to.deep.equal({ decorated: true, lock: null });
      expect(app.hasRequestDecorator('lock')).to.equal(true);
    });
  });
