// Issue 20: a route after lockRequests sees `c.get('lock')` typed through Hono's Variables, next to the app's own
// variables and bindings, with its params still typed (`pnpm run typecheck` compiles this file: a regression is
// a type error here); the key function sees the route's params when the path is given to lockRequests.
import { createLocker } from '@deadbolt/core';
import { lockRequests } from '@deadbolt/hono';
import { get } from '@deadbolt/http/conformance';
import type { HttpBindings } from '@hono/node-server';
import { expect } from 'chai';
import { Hono } from 'hono';
import RedisMock from 'ioredis-mock';
import { listen } from './support/listen.js';

type AppEnv = { Bindings: HttpBindings; Variables: { user: string } };

describe('@deadbolt/hono route typing', () => {
  it("types c.get('lock') after the middleware and keeps the app's Env and the route's params", async () => {
    const redis = new RedisMock();
    const locker = createLocker(redis);
    const app = new Hono<AppEnv>();
    app.use(async (c, next) => {
      c.set('user', 'alice');
      await next();
    });
    app.get('/orders/:id', lockRequests({ locker, key: (c) => `order:${c.req.param('id')}` }), (c) => {
      const lock = c.get('lock');
      const fence: number | undefined = lock?.fence;
      const user: string = c.get('user');
      const id: string = c.req.param('id');
      const remote: string | undefined = c.env.incoming.socket.remoteAddress;
      return c.json({ id, user, fence, held: lock?.held, local: remote === '127.0.0.1' });
    });
    // The route's path, given to lockRequests, types the key function's params (string, not string | undefined).
    const typedKey = lockRequests<AppEnv, '/typed/:id'>({
      locker,
      key: (c) => `order:${c.req.param('id').toUpperCase()}`,
      mode: (c) => (c.req.param('id').startsWith('r') ? 'shared' : 'exclusive'), // typed like the key function
    });
    app.get('/typed/:id', typedKey, (c) => c.json({ key: c.get('lock')?.key, user: c.get('user') }));
    // @ts-expect-error -- without the middleware, the route has no 'lock' variable
    app.get('/plain', (c) => c.json({ locked: c.get('lock') !== undefined }));
    const { url, close } = await listen(app.fetch);
    try {
      const body = (await get(url, '/orders/42')).json() as Record<string, unknown>;
      expect(body).to.include({ id: '42', user: 'alice', held: true, local: true });
      expect(body['fence']).to.be.a('number');
      expect((await get(url, '/typed/ab')).json()).to.deep.equal({ key: 'order:AB', user: 'alice' });
    } finally {
      await close();
      await locker.close();
      redis.disconnect();
    }
  });
});
