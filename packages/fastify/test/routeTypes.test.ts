// Typed route generics flow through the hook: the key function sees the route's `request.params` and `query`
// typed (inferred from the route the hook is given to, or given explicitly), the handler after it keeps them, and
// `request.lock` is typed by the plugin's declaration merging. `pnpm run typecheck` compiles this file: a
// regression is a type error here.
import { createLocker } from '@deadbolt/core';
import { deadbolt, lockRequests } from '@deadbolt/fastify';
import { expect } from 'chai';
import Fastify from 'fastify';
import RedisMock from 'ioredis-mock';

interface OrderRoute {
  Params: { id: string };
  Querystring: { part?: string };
}

describe('@deadbolt/fastify route typing', () => {
  it('types the key function and the handler from the route generics, and request.lock', async () => {
    const redis = new RedisMock();
    const locker = createLocker(redis);
    const app = Fastify();
    await app.register(deadbolt);
    const seen: string[] = [];
    // Inferred from the route: `request.params.id` is a string in the key function (unknown would not compile).
    app.get<OrderRoute>(
      '/orders/:id',
      {
        preHandler: lockRequests({
          locker,
          key: (request) => `order:${request.params.id.toLowerCase()}`,
          // The mode function sees the route's types too (`part` is `string | undefined`).
          mode: (request) => (request.query.part === undefined ? 'exclusive' : 'shared'),
        }),
      },
      (request, reply) => {
        const id: string = request.params.id;
        const fence: number | undefined = request.lock?.fence;
        seen.push(id);
        void reply.send({ id, fence, part: request.query.part ?? null });
      },
    );
    // Given explicitly, as onRequest, in an array of hooks.
    const byId = lockRequests<OrderRoute>({
      locker,
      key: (request) => `typed:${request.params.id}`,
      limit: (request) => request.params.id.length,
    });
    app.get<OrderRoute>('/typed/:id', { onRequest: [byId] }, (request, reply) => {
      void reply.send({ id: request.params.id.toUpperCase(), key: request.lock?.key });
    });
    try {
      const order = await app.inject({ method: 'GET', url: '/orders/AB?part=x' });
      expect(order.statusCode).to.equal(200);
      expect(order.json()).to.include({ id: 'AB', part: 'x' });
      expect(order.json<{ fence: unknown }>().fence).to.be.a('number');
      const typed = await app.inject({ method: 'GET', url: '/typed/ab' });
      expect(typed.json()).to.deep.equal({ id: 'AB', key: 'typed:ab' });
      expect(seen).to.deep.equal(['AB']);
    } finally {
      await app.close();
      await locker.close();
      redis.disconnect();
    }
  });
});
