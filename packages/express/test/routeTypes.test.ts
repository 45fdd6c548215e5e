// Issue 19, item 4: lockRequests leaves a route's types alone, so `req.params.id` stays `string` under
// @types/express 5 strict in the handler after it (`pnpm run typecheck` compiles this file: a regression is a
// type error here), and the key function can be typed through lockRequests' own type parameters.
import { createLocker } from '@deadbolt/core';
import { lockRequests } from '@deadbolt/express';
import { get, listen } from '@deadbolt/http/conformance';
import { expect } from 'chai';
import express from 'express';
import RedisMock from 'ioredis-mock';
import { createServer } from 'node:http';

describe('@deadbolt/express route typing', () => {
  it('keeps the route params typed after the middleware and types the key function on request', async () => {
    const redis = new RedisMock();
    const locker = createLocker(redis);
    const app = express();
    const seen: string[] = [];
    app.get(
      '/orders/:id',
      lockRequests({ locker, key: (req) => `order:${String(req.params['id'])}` }),
      (req, res) => {
        const id: string = req.params.id; // string | string[] with a plain RequestHandler before it
        seen.push(id);
        res.json({ id, fence: req.lock?.fence });
      },
    );
    const typedKey = lockRequests<{ id: string }>({
      locker,
      key: (req) => `order:${req.params.id}`,
      limit: (req) => req.params.id.length, // the limit function sees the route's types too
    });
    app.get('/typed/:id', typedKey, (req, res) => void res.json({ id: req.params.id.toUpperCase() }));
    const { url, close } = await listen(createServer(app));
    try {
      expect((await get(url, '/orders/42')).json()).to.include({ id: '42' });
      expect((await get(url, '/typed/ab')).json()).to.deep.equal({ id: 'AB' });
      expect(seen).to.deep.equal(['42']);
    } finally {
      await close();
      await locker.close();
      redis.disconnect();
    }
  });
});
